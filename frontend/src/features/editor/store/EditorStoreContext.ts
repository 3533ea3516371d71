import { createContext } from 'react';

import type { EditorStore } from './editorStore';

/** The store of the pipeline being edited, for the editor's components. */
export const EditorStoreContext = createContext<EditorStore | null>(null);
