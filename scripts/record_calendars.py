"""Records Odoo's resource.calendar.plan_days answers as the fixture of the sidecar's WorkCalendar.

Run through scripts/record-calendars (which feeds this file to `odoo-bin shell`); it needs
FIXTURE_OUT, the JSON file to write. Inside one transaction it creates (or finds by name) six
calendars, their attendances and leaves, reads them back as search_read answers them, computes
plan_days(days, dt, compute_leaves=True) for every (days, dt) pair below, writes the fixture and
rolls the transaction back: nothing stays in the database.
"""
import datetime
import json
import os

OUT = os.environ['FIXTURE_OUT']
PREFIX = 'Sidecar fixture: '


def line(name, day, start, end, period='morning', **extra):
    return (0, 0, dict(name=name, dayofweek=str(day), hour_from=start, hour_to=end,
                       day_period=period, **extra))


def week(days, parts, **extra):
    return [line('%s %s' % (d, p[2]), d, p[0], p[1], p[2], **extra) for d in days for p in parts]


STANDARD = [(8, 12, 'morning'), (12, 13, 'lunch'), (13, 17, 'afternoon')]
MORNING = [(8, 12, 'morning')]


def calendar(name, tz, attendances, two_weeks=False):
    Calendar = env['resource.calendar'].with_context(active_test=False)
    found = Calendar.search([('name', '=', PREFIX + name)], limit=1)
    record = found or Calendar.create({'name': PREFIX + name})
    record.write({'tz': tz, 'two_weeks_calendar': two_weeks})
    record.write({'attendance_ids': [(5, 0, 0)] + attendances})
    return record


def leave(name, start, end, **extra):
    return env['resource.calendar.leaves'].create(dict(
        name=PREFIX + name, date_from=start, date_to=end, **extra))


def calendars():
    tester = env['resource.resource'].create({'name': PREFIX + 'tester'})
    standard = calendar('standard 40h', 'Europe/Brussels', week(range(5), STANDARD) + [
        line('Saturday of one resource', 5, 9, 12, resource_id=tester.id)])
    half_friday = calendar('half-day Friday', 'UTC', week(range(4), STANDARD) + week([4], MORNING) + [
        line('March Saturdays', 5, 9, 13, date_from='2026-03-01', date_to='2026-03-31'),
        line('Old Wednesday evenings', 2, 18, 20, date_to='2026-02-28'),
        line('Future Sunday', 6, 10, 12, date_from='2026-12-01')])
    holidays = calendar('public holidays', 'Europe/Brussels', week(range(5), STANDARD))
    leave('Labour day', '2026-04-30 22:00:00', '2026-05-01 21:59:59', calendar_id=holidays.id)
    leave('Christmas (every calendar)', '2026-12-25 00:00:00', '2026-12-25 23:59:59', calendar_id=False)
    leave('Wednesday afternoon off', '2026-06-10 11:00:00', '2026-06-10 15:00:00', calendar_id=holidays.id)
    leave('Summer closing', '2026-08-10 06:00:00', '2026-08-14 16:00:00', calendar_id=holidays.id)
    leave('Tuesday morning off', '2026-03-03 07:00:00', '2026-03-03 11:00:00', calendar_id=holidays.id)
    leave('Training, not a leave', '2026-03-05 00:00:00', '2026-03-05 23:00:00',
          calendar_id=holidays.id, time_type='other')
    leave('One resource away', '2026-03-04 00:00:00', '2026-03-04 23:00:00', resource_id=tester.id,
          calendar_id=holidays.id)
    new_york = calendar('New York', 'America/New_York', week(range(5), [(9, 17, 'morning')]) + [
        line('Sunday night', 6, 0, 1.5), line('Sunday small hours', 6, 2.5, 4), line('Saturday late', 5, 22, 24)])
    two_weeks = calendar('two weeks Kolkata', 'Asia/Kolkata', [
        line('First week', 0, 0, 0, display_type='line_section', week_type='0', sequence=0)]
        + week(range(5), [(9.5, 13.5, 'morning'), (14.5, 18.25, 'afternoon')], week_type='0', sequence=1)
        + [line('Saturday, no week type', 5, 10, 11, sequence=2)]
        + [line('Second week', 0, 0, 0, display_type='line_section', week_type='1', sequence=50)]
        + week(range(3), [(9.5, 13.5, 'morning')], week_type='1', sequence=51)
        + [line('Thursday night', 3, 20, 24, week_type='1', sequence=52)], two_weeks=True)
    empty = calendar('no attendance', 'UTC', [])
    return [standard, half_friday, holidays, new_york, two_weeks, empty]


DAYS = [-300, -30, -11, -10, -6, -5, -3, -2, -1, 0, 1, 2, 3, 5, 6, 10, 11, 12, 25, 300]
MOMENTS = [
    '1970-01-01T00:00:00', '2026-03-02T00:00:00', '2026-03-02T06:59:59', '2026-03-02T07:00:00',
    '2026-03-02T10:00:00', '2026-03-02T10:00:00.123456', '2026-03-02T11:30:00',
    '2026-03-02T15:59:59', '2026-03-02T16:00:00', '2026-03-02T23:59:59.999999',
    '2026-03-03T09:00:00', '2026-03-04T12:00:00', '2026-03-05T12:00:00', '2026-03-06T15:00:00',
    '2026-03-06T17:30:00', '2026-03-07T12:00:00', '2026-03-08T03:30:00', '2026-03-08T06:30:00',
    '2026-03-08T23:30:00', '2026-03-27T16:00:00', '2026-03-29T01:30:00', '2026-03-30T06:30:00',
    '2026-04-30T14:00:00', '2026-05-01T09:00:00', '2026-06-10T09:00:00', '2026-06-15T04:00:00',
    '2026-08-07T12:00:00', '2026-08-12T10:00:00', '2026-10-23T15:00:00', '2026-10-25T00:30:00',
    '2026-10-26T07:30:00', '2026-11-01T05:30:00', '2026-11-02T05:00:00', '2026-12-24T14:00:00',
    '2026-12-31T23:00:00',
]
EMPTY_DAYS = [-1, 0, 1]
EMPTY_MOMENTS = ['2026-03-02T10:00:00']

CALENDAR_FIELDS = ['name', 'tz', 'two_weeks_calendar']
ATTENDANCE_FIELDS = ['name', 'dayofweek', 'hour_from', 'hour_to', 'day_period', 'week_type',
                     'date_from', 'date_to', 'resource_id', 'display_type', 'sequence', 'calendar_id']
LEAVE_FIELDS = ['name', 'calendar_id', 'resource_id', 'date_from', 'date_to', 'time_type']


def wire(rows):
    """search_read rows as the RPC answers them: dates and datetimes as strings."""
    return json.loads(json.dumps(rows, default=str))


def answer(value):
    return value.isoformat() if value else None


def record(cal):
    attendances = env['resource.calendar.attendance'].search_read(
        [('calendar_id', '=', cal.id)], ATTENDANCE_FIELDS, order='id')
    leaves = env['resource.calendar.leaves'].search_read(
        [('calendar_id', 'in', [False, cal.id])], LEAVE_FIELDS, order='id')
    empty = not cal.attendance_ids
    cases = [{'days': days, 'at': at,
              'odoo': answer(cal.plan_days(days, datetime.datetime.fromisoformat(at), compute_leaves=True))}
             for days in (EMPTY_DAYS if empty else DAYS) for at in (EMPTY_MOMENTS if empty else MOMENTS)]
    return {'calendar': wire(cal.read(CALENDAR_FIELDS)[0]), 'attendances': wire(attendances),
            'leaves': wire(leaves), 'cases': cases}


try:
    fixture = {'odoo': odoo.release.version, 'calendars': [record(c) for c in calendars()]}
    with open(OUT, 'w') as out:
        json.dump(fixture, out, indent=1, sort_keys=True)
        out.write('\n')
    print('record_calendars: %d calendars, %d cases written to %s' % (
        len(fixture['calendars']), sum(len(c['cases']) for c in fixture['calendars']), OUT))
finally:
    env.cr.rollback()
