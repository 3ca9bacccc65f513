// When the daily digest goes out: a wall-clock time in the school's time zone.

/** The wall-clock fields of an instant in a time zone. */
function fieldsAt(at: number, timeZone: string) {
  const parts = new Intl.DateTimeFormat('en-US', {
    timeZone,
    hourCycle: 'h23',
    year: 'numeric',
    month: '2-digit',
    day: '2-digit',
    hour: '2-digit',
    minute: '2-digit',
    second: '2-digit',
  }).formatToParts(at);
  const get = (type: string) => Number(parts.find((p) => p.type === type)?.value);
  return {
    year: get('year'),
    month: get('month'),
    day: get('day'),
    hour: get('hour'),
    minute: get('minute'),
    second: get('second'),
  };
}

/** How far the time zone's wall clock is ahead of UTC at `at`, in ms. */
function offsetAt(at: number, timeZone: string): number {
  const f = fieldsAt(at, timeZone);
  return (
    Date.UTC(f.year, f.month - 1, f.day, f.hour, f.minute, f.second) - Math.floor(at / 1000) * 1000
  );
}

/** Checks a digest time (`HH:MM`) and a time zone; TypeError otherwise. */
export function checkDigestTime(time: string, timeZone: string): void {
  if (!/^([01]\d|2[0-3]):[0-5]\d$/.test(time))
    throw new TypeError(`the digest time must be HH:MM, not '${time}'`);
  try {
    new Intl.DateTimeFormat('en-US', { timeZone });
  } catch {
    throw new TypeError(`unknown time zone '${timeZone}'`);
  }
}

/** The next instant after `now` when the wall clock in `timeZone` reads `time` (`HH:MM`). */
export function nextDigestAt(now: number, time: string, timeZone: string): number {
  const [hour, minute] = time.split(':').map(Number) as [number, number];
  const today = fieldsAt(now, timeZone);
  for (let add = 0; add < 3; add++) {
    const wall = Date.UTC(today.year, today.month - 1, today.day + add, hour, minute);
    // Twice: the offset at the guess can differ from the offset at the answer across a DST change.
    let at = wall - offsetAt(wall, timeZone);
    at = wall - offsetAt(at, timeZone);
    if (at > now) return at;
  }
  return now + 86_400_000;
}

/** The date (YYYY-MM-DD) the wall clock in `timeZone` shows at `at`. */
export function localDay(at: number, timeZone: string): string {
  const f = fieldsAt(at, timeZone);
  return `${f.year}-${String(f.month).padStart(2, '0')}-${String(f.day).padStart(2, '0')}`;
}
