// Connects an editor store to a preview client: every change that alters the
// document's meaning, the sample or a decision asks for a run; replies land in
// the preview slice; a selected node's full input/output is fetched on demand.

import {
  createPreviewClient,
  setEngineClient,
  type PreviewClient,
  type PreviewClientOptions,
  type WorkspaceLookup,
} from '../engine/client.ts';
import { sameMeaning, sampleInput } from './documentOps.ts';
import { subscribeFirst, type EditorStore } from './editorStore.ts';
import type { EditorState } from './types.ts';

type ClientFactory = (options: PreviewClientOptions) => PreviewClient;

export interface PreviewBridgeOptions {
  findWorkflow?: WorkspaceLookup;
  /**
   * Applies a reply to the store. The app passes React's `flushSync`, so the
   * canvas and inspector render in the reply's own task: a render left to
   * React's scheduler would be a later task, which the browser holds back
   * until the keystroke's frame is drawn. Default: call it.
   */
  applyReply?: (apply: () => void) => void;
}

export function connectPreview(
  store: EditorStore,
  createClient: ClientFactory = createPreviewClient,
  options: PreviewBridgeOptions = {},
): () => void {
  const applyReply = options.applyReply ?? ((apply: () => void) => apply());
  const client = createClient({
    ...(options.findWorkflow ? { findWorkflow: options.findWorkflow } : {}),
    events: {
      onReply(reply, roundTripMs, changes) {
        applyReply(() => store.getState().previewFinished(reply, roundTripMs, changes));
        fetchDetails(store.getState());
      },
      onTimeout(generation) {
        store.getState().previewTimedOut(generation);
      },
      onFailure(generation, message) {
        store
          .getState()
          .previewTimedOut(generation, `The preview worker failed and was restarted: ${message}`);
      },
    },
  });

  // The workspace's one-off engine calls (validate, export) use this worker too.
  setEngineClient(client);

  function requestRun(state: EditorState) {
    // The request leaves first, before the store tells the page a run started
    // (another round of every subscriber): the sooner the worker has it, the
    // likelier its reply lands in the keystroke's own frame.
    client.request({
      definition: state.document,
      input: sampleInput(state.document, state.activeSample),
      decisions: state.decisions,
      // The selected nodes' details ride on the reply: one message and one
      // render per edit instead of a second round trip for the inspector.
      details: state.selectedNodeIds.slice(0, 4),
    });
    state.previewStarted();
  }

  function fetchDetails(state: EditorState) {
    const { generation } = state;
    for (const nodeId of state.selectedNodeIds.slice(0, 4)) {
      if (state.nodeDetails[nodeId]) continue;
      void client.nodeDetail(generation, nodeId).then((detail) => {
        if (detail) store.getState().setNodeDetail(detail);
      });
    }
  }

  // Runs on every store change, including each pointer move of a drag:
  // `sameMeaning` compares by identity, and positions are not part of the
  // engine's graph, so dragging a node never triggers a re-run.
  // Ahead of the page's own subscribers: the request leaves before they render.
  const unsubscribe = subscribeFirst(store, (state, previous) => {
    if (
      !sameMeaning(state.document, previous.document) ||
      state.activeSample !== previous.activeSample ||
      state.decisions !== previous.decisions
    ) {
      requestRun(state);
    } else if (state.selectedNodeIds !== previous.selectedNodeIds) {
      fetchDetails(state);
    }
  });

  requestRun(store.getState());
  return () => {
    unsubscribe();
    client.dispose();
  };
}
