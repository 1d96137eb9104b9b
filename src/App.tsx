import { useCallback, useState } from 'react';
import { Canvas } from './canvas/Canvas.tsx';
import { RunStatus } from './canvas/RunStatus.tsx';
import { Toolbar } from './canvas/Toolbar.tsx';
import { HelpPanel } from './help/HelpPanel.tsx';
import { Inspector } from './inspector/Inspector.tsx';
import { Palette } from './palette/Palette.tsx';
import { SamplePicker } from './settings/SamplePicker.tsx';
import { useShortcuts } from './shortcuts/useShortcuts.ts';
import { WorkspaceBar } from './workspace/WorkspaceBar.tsx';

export function App() {
  const [helpOpen, setHelpOpen] = useState(false);
  const openHelp = useCallback(() => setHelpOpen(true), []);
  const closeHelp = useCallback(() => setHelpOpen(false), []);
  useShortcuts(openHelp, closeHelp);

  return (
    <div className="app">
      <header className="topbar">
        <div className="topbar-workspace">
          <WorkspaceBar />
        </div>
        <div className="topbar-run">
          <SamplePicker label="Preview sample" className="sample-picker" hideWhenEmpty />
          <RunStatus />
        </div>
        <Toolbar onHelp={openHelp} />
      </header>
      <Palette />
      <main className="workspace-main">
        <Canvas />
      </main>
      <Inspector />
      {helpOpen && <HelpPanel onClose={closeHelp} />}
    </div>
  );
}
