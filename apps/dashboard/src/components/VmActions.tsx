// The lifecycle buttons of one VM: start, shutdown, stop, pause, resume, reset, edit, delete.
// Each is enabled only in the states libs/protocol allows it (ACTION_FROM), and disabled with
// the reason otherwise (read-only token, wrong state, another action under way). Stop, reset
// and delete ask first. Progress shows on the button; errors (the server's message) as notices.
import { useState, type ReactNode } from 'react';
import { api, ApiFailure } from '../api/client';
import { useApp, useReadOnlyReason } from '../app-context';
import { ACTION_FROM, actionAllowed, definitionEditable, type VmAction, type VmView } from '../protocol';
import { navigate } from '../router';
import { Confirm, type ConfirmRequest } from './Confirm';

type Op = VmAction | 'delete' | 'edit';

const LABEL: Record<Op, string> = {
  start: 'Start', shutdown: 'Shut down', stop: 'Stop', pause: 'Pause', resume: 'Resume', reset: 'Reset', edit: 'Edit', delete: 'Delete',
};
const DOING: Record<Op, string> = {
  start: 'Starting…', shutdown: 'Shutting down…', stop: 'Stopping…', pause: 'Pausing…', resume: 'Resuming…', reset: 'Resetting…', edit: '', delete: 'Deleting…',
};
const CONFIRM: Partial<Record<Op, (name: string) => Omit<ConfirmRequest, 'onConfirm'>>> = {
  stop: (n) => ({ title: `Stop ${n}?`, body: `${n} is powered off at once, like pulling the plug. Unsaved guest state is lost; the run ends as "stopped".`, confirm: 'Stop now' }),
  reset: (n) => ({ title: `Reset ${n}?`, body: `${n} reboots at once (a hardware reset, same run, same disks). Unsaved guest state is lost.`, confirm: 'Reset' }),
  delete: (n) => ({ title: `Delete ${n}?`, body: `The definition of ${n}, its runs, console logs and its persistent disks are deleted. This cannot be undone.`, confirm: 'Delete for good' }),
};
const KIND: Record<Op, string> = {
  start: 'btn-primary', shutdown: '', stop: 'btn-danger-outline', pause: '', resume: 'btn-primary', reset: 'btn-danger-outline', edit: '', delete: 'btn-danger-outline',
};

function stateReason(op: Op, vm: VmView): string | null {
  if (op === 'edit' || op === 'delete') return definitionEditable(vm.state) ? null : `only while stopped (it is ${vm.state})`;
  return actionAllowed(op, vm.state) ? null : `only when ${ACTION_FROM[op].join(' or ')} (it is ${vm.state})`;
}

export function VmActions({ vm, ops, size = 'md' }: { vm: VmView; ops?: Op[]; size?: 'sm' | 'md' }): ReactNode {
  const { vms, notify } = useApp();
  const readOnly = useReadOnlyReason();
  const [busy, setBusy] = useState<Op | null>(null);
  const [confirm, setConfirm] = useState<ConfirmRequest | null>(null);
  const list: Op[] = ops ?? ['start', 'shutdown', 'pause', 'resume', 'reset', 'stop', 'edit', 'delete'];

  const run = async (op: Op): Promise<void> => {
    if (op === 'edit') return navigate(`/vms/${vm.id}/edit`);
    setBusy(op);
    try {
      if (op === 'delete') {
        await api.del(`/vms/${vm.id}`);
        vms.drop(vm.id);
        notify('ok', `${vm.name} deleted`);
        navigate('/vms');
      } else {
        vms.put(await api.post<VmView>(`/vms/${vm.id}/${op}`));
        notify('ok', `${vm.name}: ${LABEL[op].toLowerCase()} accepted`);
      }
    } catch (e) {
      const msg = e instanceof ApiFailure ? e.message : String(e);
      notify('error', `${vm.name}: ${LABEL[op].toLowerCase()} failed: ${msg}`);
      void vms.refresh();
    } finally {
      setBusy(null);
    }
  };

  const click = (op: Op): void => {
    const c = CONFIRM[op];
    if (c === undefined) return void run(op);
    setConfirm({ ...c(vm.name), onConfirm: () => void run(op) });
  };

  return (
    <div className="actions" role="group" aria-label={`Actions for ${vm.name}`}>
      {list.map((op) => {
        const why = op === 'edit' && readOnly === null ? stateReason(op, vm) : readOnly ?? (busy !== null ? `${DOING[busy]}` : stateReason(op, vm));
        const title = why === null ? `${LABEL[op]} ${vm.name}` : `${LABEL[op]}: ${why}`;
        return (
          <button key={op} type="button" className={`btn btn-${size} ${KIND[op]}`} disabled={why !== null} title={title}
            aria-label={`${LABEL[op]} ${vm.name}`} aria-description={why ?? undefined} aria-busy={busy === op} onClick={() => click(op)}>
            {busy === op ? DOING[op] : LABEL[op]}
          </button>
        );
      })}
      <Confirm request={confirm} onClose={() => setConfirm(null)} />
    </div>
  );
}
