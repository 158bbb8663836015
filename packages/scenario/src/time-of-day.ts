import { z } from "zod";

/** Seconds in a day; "24:00" converts to this value. */
export const SECONDS_PER_DAY = 86_400;

/** "HH:MM" from 00:00 to 23:59, plus "24:00" (allowed as the end of an interval). */
export const TIME_PATTERN = /^(?:(?:[01]\d|2[0-3]):[0-5]\d|24:00)$/;

export const TIME_EXPECTED = '"HH:MM" from "00:00" to "24:00"';

/** A time of day written as "HH:MM". */
export const TimeSchema = z
  .string()
  .regex(TIME_PATTERN)
  .describe('Time of day "HH:MM" (00:00-24:00; 24:00 is allowed as the end of an interval).');

export type TimeOfDay = z.output<typeof TimeSchema>;

/** Converts a valid "HH:MM" string to seconds since midnight. Throws on anything else. */
export function parseTimeOfDay(text: string): number {
  if (!TIME_PATTERN.test(text)) {
    throw new RangeError(`not a time of day: ${JSON.stringify(text)} (expected ${TIME_EXPECTED})`);
  }
  const hours = Number(text.slice(0, 2));
  const minutes = Number(text.slice(3, 5));
  return hours * 3600 + minutes * 60;
}

/** Formats seconds since midnight as "HH:MM" (seconds are truncated; values past 24:00 keep counting hours). */
export function formatTimeOfDay(seconds: number): string {
  const totalMinutes = Math.floor(seconds / 60);
  const hours = Math.floor(totalMinutes / 60);
  const minutes = totalMinutes % 60;
  return `${String(hours).padStart(2, "0")}:${String(minutes).padStart(2, "0")}`;
}

/** Explains why a string is not a valid time of day (used in error messages). */
export function describeBadTime(text: string): string {
  const m = /^(\d{1,2}):(\d{2})$/.exec(text);
  if (m) {
    const hours = Number(m[1]);
    const minutes = Number(m[2]);
    if (hours > 24 || (hours === 24 && minutes > 0)) return "time of day is outside the day";
    if (minutes > 59) return "minutes must be 00-59";
    if (m[1]!.length === 1) return 'hours must have two digits ("07:00", not "7:00")';
  }
  return "not a time of day";
}
