/** Small helpers shared by the hooks that follow runs over WebSockets. */

const CONNECTING = 0;

/** The ws:// (or wss://) URL of `path` on this page's server. */
export function socketUrl(path: string): string {
  const scheme = window.location.protocol === 'https:' ? 'wss' : 'ws';
  return `${scheme}://${window.location.host}${path}`;
}

/** Close a socket without its handlers firing; one still connecting is closed once it opens. */
export function closeQuietly(socket: WebSocket) {
  socket.onclose = null;
  socket.onmessage = null;
  if (socket.readyState === CONNECTING) {
    socket.onopen = () => socket.close();
  } else {
    socket.onopen = null;
    socket.close();
  }
}
