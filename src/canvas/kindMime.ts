/** The drag-and-drop MIME type the palette puts a node kind under; the canvas accepts it. */
export const KIND_MIME = 'application/x-weft-kind';
