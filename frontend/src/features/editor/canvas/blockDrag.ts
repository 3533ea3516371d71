/** The drag-and-drop payload type for a block dragged from the palette onto the canvas. */
export const BLOCK_MIME = 'application/x-tributary-block';
