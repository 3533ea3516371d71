/**
 * The block catalogue as GET /api/v1/blocks/ serves it, for tests. blocks.json is the API's
 * answer, written as JSON.stringify(blocks, null, 2) by `make schema`: regenerate it rather than
 * editing it by hand.
 */

import type { BlockSpec } from '../graph/types';
import { catalogueOf } from '../graph/types';
import blocks from './blocks.json';

export const BLOCKS: BlockSpec[] = blocks as BlockSpec[];

export const CATALOGUE = catalogueOf(BLOCKS);

/** The catalogue entry for `key` (throws for an unknown key, which is a mistake in a test). */
export function block(key: string): BlockSpec {
  const spec = CATALOGUE.get(key);
  if (!spec) {
    throw new Error(`no block ${key} in the test catalogue`);
  }
  return spec;
}
