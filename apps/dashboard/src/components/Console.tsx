// A VM's console in xterm.js: on open (and after every reconnect) the server's scrollback
// replaces what is shown, then live bytes follow; keys go to the guest (admin tokens), the
// terminal fits its box as the window resizes and (admin tokens) tells the server its size
// (console:resize: the guest's window size, SIGWINCH; sent again for a new run or after a
// reconnect; the last viewer to resize wins), and Copy puts the selection (or the whole
// buffer) on the clipboard. Read tokens watch only.
import { FitAddon } from '@xterm/addon-fit';
import { Terminal } from '@xterm/xterm';
import { useEffect, useRef, useState, type ReactNode } from 'react';
import { useApp, useLinkStatus, useReadOnlyReason } from '../app-context';
import type { VmState } from '../protocol';

const THEME = {
  background: '#0b0d11', foreground: '#d7dce3', cursor: '#4c9aff', selectionBackground: '#35507a',
  black: '#1b1f27', brightBlack: '#5c6675', red: '#f85149', green: '#3fb950', yellow: '#d29922', blue: '#4c9aff',
  magenta: '#bc8cff', cyan: '#39c5cf', white: '#d7dce3', brightWhite: '#ffffff',
};

export function Console({ vmId, vmName, state }: { vmId: string; vmName: string; state: VmState }): ReactNode {
  const { live, notify } = useApp();
  const readOnly = useReadOnlyReason();
  const { status } = useLinkStatus();
  const box = useRef<HTMLDivElement>(null);
  const term = useRef<Terminal | null>(null);
  /** The run whose output is on screen (null: nothing, or only a placeholder line). */
  const shown = useRef<string | null>(null);
  const [size, setSize] = useState<{ cols: number; rows: number } | null>(null);
  const [runId, setRunId] = useState<string | null>(null);
  const [copied, setCopied] = useState(false);
  const canType = readOnly === null && (state === 'running' || state === 'paused' || state === 'shutting-down');
  const canTypeRef = useRef(canType);
  canTypeRef.current = canType;

  useEffect(() => {
    const el = box.current;
    if (el === null) return;
    const t = new Terminal({
      fontFamily: 'ui-monospace, "JetBrains Mono", "DejaVu Sans Mono", Menlo, Consolas, monospace', fontSize: 13, lineHeight: 1.15,
      scrollback: 5000, convertEol: false, cursorBlink: true, theme: THEME, allowProposedApi: false,
    });
    const fit = new FitAddon();
    t.loadAddon(fit);
    t.open(el);
    term.current = t;
    const refit = (): void => {
      try {
        fit.fit();
        setSize((old) => (old !== null && old.cols === t.cols && old.rows === t.rows ? old : { cols: t.cols, rows: t.rows }));
      } catch {
        /* not laid out yet */
      }
    };
    refit();
    const ro = new ResizeObserver(refit);
    ro.observe(el);
    const typed = t.onData((data) => {
      if (!canTypeRef.current) return;
      void live.type(vmId, data).then((err) => {
        if (err !== null) notify('error', `console: ${err.message}`);
      });
    });
    const stop = live.watchVm(vmId, {
      scrollback: (data, run) => {
        t.reset();
        shown.current = data.length > 0 ? run : null;
        if (data.length > 0) t.write(data);
        else t.write(run === null ? '\x1b[90m[no runs yet: start the VM to see its console]\x1b[0m\r\n' : '\x1b[90m[waiting for output]\x1b[0m\r\n');
        setRunId(run);
      },
      output: (data, run) => {
        if (run !== shown.current) {
          // A new run while watching: the placeholder goes, an older run's log stays above a rule.
          if (shown.current === null) t.reset();
          else t.write(`\r\n\x1b[90m──── run ${run ?? ''} ────\x1b[0m\r\n`);
        }
        shown.current = run;
        t.write(data);
        setRunId(run);
      },
      error: (e) => t.write(`\r\n\x1b[31m[console: ${e.message}]\x1b[0m\r\n`),
    });
    return () => {
      stop();
      typed.dispose();
      ro.disconnect();
      t.dispose();
      term.current = null;
    };
  }, [live, vmId, notify]);

  // The guest's window follows the terminal: debounced (a window drag fits many times), and
  // again whenever a new run starts or the link comes back (the monitor's size is per run).
  const canResize = readOnly === null && (state === 'running' || state === 'paused');
  useEffect(() => {
    if (!canResize || size === null || status !== 'connected') return;
    const timer = setTimeout(() => {
      void live.resize(vmId, size.cols, size.rows).then((err) => {
        if (err !== null && err.code !== 'conflict') notify('error', `console resize: ${err.message}`);
      });
    }, 150);
    return () => clearTimeout(timer);
  }, [live, notify, vmId, canResize, size, status, runId]);

  const copy = async (): Promise<void> => {
    const t = term.current;
    if (t === null) return;
    let text = t.getSelection();
    if (text === '') {
      t.selectAll();
      text = t.getSelection();
      t.clearSelection();
    }
    try {
      await navigator.clipboard.writeText(text);
      setCopied(true);
      setTimeout(() => setCopied(false), 1500);
    } catch {
      notify('error', 'copy: the browser refused clipboard access (select the text and use Ctrl+Shift+C)');
    }
  };

  const mode = readOnly !== null ? `watching (${readOnly})` : canType ? 'type to send keys' : state === 'stopped' ? 'last run (VM stopped)' : `VM ${state}`;
  return (
    <section className="panel console-panel" aria-label={`Console of ${vmName}`}>
      <div className="panel-head">
        <h2>Console</h2>
        <span className="muted small" data-testid="console-mode">{mode}</span>
        <span className="spacer" />
        {status !== 'connected' && <span className="warn small" role="status">{status === 'reconnecting' ? 'reconnecting: output resumes with the scrollback' : status}</span>}
        <span className="muted small mono" title="Terminal size (columns × rows)" data-testid="console-size">{size === null ? '' : `${size.cols}×${size.rows}`}</span>
        {runId !== null && <span className="muted small mono" title="Run shown">{runId}</span>}
        <button type="button" className="btn btn-sm" onClick={() => void copy()} aria-label="Copy console text (selection, or everything)">{copied ? 'Copied' : 'Copy'}</button>
        <button type="button" className="btn btn-sm" onClick={() => term.current?.focus()} disabled={!canType} title={canType ? 'Focus the console' : mode}>Focus</button>
      </div>
      <div className="console-box" ref={box} role="region" aria-label={`Terminal of ${vmName}`} data-testid="console" onClick={() => term.current?.focus()} />
    </section>
  );
}
