import { useIsFetching, type Query } from '@tanstack/react-query';
import { useNavigation } from 'react-router-dom';

import './navigationProgress.css';

/** A query fetching data it has never had: a page (or part of it) waiting to show anything. */
const firstLoad = (query: Query) => query.state.data === undefined;

/**
 * A slim bar at the top of the window while the next page is on its way: the router is loading
 * a route's code (the old page stays up meanwhile), or a page is fetching its first data.
 * Background refreshes of data already shown do not count.
 */
export function NavigationProgress() {
  const navigating = useNavigation().state !== 'idle';
  const loadingData = useIsFetching({ predicate: firstLoad }) > 0;
  if (!navigating && !loadingData) {
    return null;
  }
  return <div className="navigation-progress" role="progressbar" aria-label="Loading the page" />;
}
