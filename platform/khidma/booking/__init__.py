"""Appointments: the pure booking engine (`slots`, `rules`) and its words.

`khidma.booking.slots` turns a service's compiled `booking` block into the bookable slots
of a resource (a centre, a branch) and a service, and `khidma.booking.rules` decides whether
a slot may be booked, cancelled or moved now. Both are pure: no Flask, no SQLAlchemy, no
I/O, no clock (the caller passes `now`). Storage (`khidma.storage.bookings`) settles the
races in the database.
"""
