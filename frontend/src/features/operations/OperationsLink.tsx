import { NavLink } from 'react-router-dom';

import './operationsLink.css';

/** The header's link to the operations page (workers and queues). */
export function OperationsLink() {
  return (
    <NavLink to="/operations" className="operations-link">
      Operations
    </NavLink>
  );
}
