import { renderToStaticMarkup } from 'react-dom/server';
import { describe, expect, it } from 'vitest';
import { JsonTree } from './JsonTree.tsx';

describe('JsonTree', () => {
  it('shows keys, values and sizes, with deeper levels collapsed', () => {
    const html = renderToStaticMarkup(
      <JsonTree
        value={{ order: { total: 115.5, lines: [{ sku: 'PAP' }] }, ok: true }}
        openDepth={2}
      />,
    );
    expect(html).toContain('order: ');
    expect(html).toContain('115.5');
    expect(html).toContain('{ 2 keys }');
    expect(html).toContain('[ 1 item ]');
    // The root and `order` are open; `lines` (depth 2) starts collapsed.
    expect(html.match(/<details open=""/g)).toHaveLength(2);
  });

  it('renders a long array only up to a cap and says how many are left', () => {
    const html = renderToStaticMarkup(
      <JsonTree value={Array.from({ length: 150 }, (_, i) => i)} />,
    );
    expect(html).toContain('[ 150 items ]');
    expect(html).toContain('… 50 more');
    expect(html).not.toContain('>149<');
  });

  it('escapes strings and says when there is no value', () => {
    expect(renderToStaticMarkup(<JsonTree value={'<b>x</b>'} />)).toContain(
      '&quot;&lt;b&gt;x&lt;/b&gt;&quot;',
    );
    expect(renderToStaticMarkup(<JsonTree value={undefined} />)).toContain('no value');
  });
});
