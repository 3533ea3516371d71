import { keepPreviousData, useQuery } from '@tanstack/react-query';
import { useMemo } from 'react';

import { pipelineKeys, validatePipelineGraph, type ValidationResult } from '../../../api/pipelines';
import { hashText, semanticKey } from '../../../graph/json';
import type { Graph, GraphContent } from '../../../graph/types';
import { useDebouncedValue } from './useDebouncedValue';

export const VALIDATE_DELAY_MS = 600;

export interface GraphValidation {
  /** The latest answer (kept while a newer one is on its way). */
  result: ValidationResult | undefined;
  /** The graph changed since that answer: a newer one is awaited. */
  pending: boolean;
  error: Error | null;
  retry: () => void;
}

/**
 * Server-side validation of the graph being edited, asked again once edits pause. Moving nodes
 * does not count as an edit: `content` (useGraphContent) stays the same then, and `graph` gives
 * the graph to send when the question is asked.
 */
export function useGraphValidation(
  slug: string,
  pipelineId: number,
  content: GraphContent,
  graph: () => Graph,
): GraphValidation {
  const key = useMemo(() => hashText(semanticKey(content)), [content]);
  const settledKey = useDebouncedValue(key, VALIDATE_DELAY_MS);
  const query = useQuery({
    queryKey: pipelineKeys.validation(slug, pipelineId, settledKey),
    queryFn: ({ signal }) => validatePipelineGraph(slug, pipelineId, graph(), signal),
    placeholderData: keepPreviousData,
    staleTime: Number.POSITIVE_INFINITY,
    gcTime: 60_000,
    retry: 1,
  });
  return {
    result: query.data,
    pending: key !== settledKey || query.isFetching,
    error: query.error,
    retry: () => void query.refetch(),
  };
}
