import { z } from "zod";

/** Slug for scenario names and policy ids: lowercase letters, digits and dashes. */
export const SLUG_PATTERN = /^[a-z0-9-]+$/;
export const SLUG_EXPECTED = 'a slug of lowercase letters, digits and "-" (e.g. "seamless")';

/** Identifier for lanes, classes, routes, checkpoints and distribution names. */
export const NAME_PATTERN = /^[A-Za-z0-9_-]+$/;
export const NAME_EXPECTED = 'a name of letters, digits, "_" and "-" (e.g. "sb-sz-exit-egate")';

export const SlugSchema = z.string().regex(SLUG_PATTERN);
export const NameSchema = z.string().regex(NAME_PATTERN);
