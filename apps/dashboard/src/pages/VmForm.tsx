// Define a VM (POST /api/vms) or change a stopped one (PATCH /api/vms/:id). The browser does
// not second-guess the server: values go as typed and the server's field messages appear beside
// each field; other refusals (a taken name, a running VM) above the buttons. A new VM's root
// disk is private (its own persistent copy), copy-on-write (changes dropped at power-off) or
// persistent copy-on-write (changes kept in its overlay) over a base image.
import { useEffect, useState, type FormEvent, type ReactNode } from 'react';
import { api, ApiFailure } from '../api/client';
import { useApp, useReadOnlyReason, useVms } from '../app-context';
import { definitionEditable, DISK_MODES, type DiskMode, type ImageView, type MachineView, type VmView } from '../protocol';
import { Link, navigate } from '../router';

type ImageRow = ImageView;

interface Draft {
  name: string;
  vcpus: string;
  memoryMiB: string;
  homeNode: string;
  kernel: string;
  rootImage: string;
  diskMode: DiskMode;
  cmdline: string;
  bootScript: string;
  autostart: boolean;
}

const BLANK: Draft = { name: '', vcpus: '1', memoryMiB: '32', homeNode: '0', kernel: 'kernel-disco', rootImage: 'rootfs', diskMode: 'private', cmdline: '', bootScript: '', autostart: false };

function fromVm(v: VmView): Draft {
  return { name: v.name, vcpus: String(v.vcpus), memoryMiB: String(v.memoryMiB), homeNode: String(v.homeNode), kernel: v.kernel, rootImage: '', diskMode: v.disks[0]?.mode ?? 'private', cmdline: v.cmdline, bootScript: v.bootScript, autostart: v.autostart };
}

/** A whole number as a number; anything else as typed, for the server to judge. */
function num(s: string): number | string {
  return /^-?\d+$/.test(s.trim()) ? Number(s.trim()) : s;
}

function Field({ id, label, hint, errors, children }: { id: string; label: string; hint?: string; errors?: string[]; children: ReactNode }): ReactNode {
  return (
    <div className={errors === undefined ? 'field' : 'field field-bad'}>
      <label htmlFor={id}>{label}</label>
      {children}
      {hint !== undefined && <p className="hint" id={`${id}-hint`}>{hint}</p>}
      {errors?.map((e) => <p key={e} className="field-error" id={`${id}-error`} role="alert">{e}</p>)}
    </div>
  );
}

export function VmForm({ id }: { id?: string }): ReactNode {
  const { vms: store, notify } = useApp();
  const { vms, loaded } = useVms();
  const readOnly = useReadOnlyReason();
  const vm = id === undefined ? undefined : vms.find((v) => v.id === id);
  const [draft, setDraft] = useState<Draft | null>(id === undefined ? BLANK : null);
  const [fields, setFields] = useState<Record<string, string[]>>({});
  const [error, setError] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);
  const [machine, setMachine] = useState<MachineView | null>(null);
  const [images, setImages] = useState<ImageRow[]>([]);

  useEffect(() => {
    if (draft === null && vm !== undefined) setDraft(fromVm(vm));
  }, [draft, vm]);
  useEffect(() => {
    api.get<MachineView>('/machine').then(setMachine, () => undefined);
    api.get<ImageRow[]>('/images').then(setImages, () => undefined);
  }, []);

  if (id !== undefined && vm === undefined) {
    return <section className="page"><h1>Edit VM</h1><p className="muted">{loaded ? <>No VM {id}. <Link to="/vms">All VMs</Link></> : 'Loading…'}</p></section>;
  }
  if (draft === null) return null;
  const editing = vm !== undefined;
  const locked = editing && !definitionEditable(vm.state) ? `${vm.name} is ${vm.state}: definitions change only while stopped` : null;
  const disabledWhy = readOnly ?? locked;
  const set = (k: keyof Draft) => (e: { target: { value: string } }) => setDraft({ ...draft, [k]: e.target.value });
  const bad = (k: string): { 'aria-invalid': boolean; 'aria-describedby': string } => ({ 'aria-invalid': fields[k] !== undefined, 'aria-describedby': `${k}-hint ${k}-error` });

  const submit = async (e: FormEvent): Promise<void> => {
    e.preventDefault();
    setBusy(true);
    setFields({});
    setError(null);
    const body: Record<string, unknown> = {
      name: draft.name, vcpus: num(draft.vcpus), memoryMiB: num(draft.memoryMiB), homeNode: num(draft.homeNode),
      kernel: draft.kernel, cmdline: draft.cmdline, bootScript: draft.bootScript, autostart: draft.autostart,
    };
    if (!editing) body.disks = [{ slot: 0, mode: draft.diskMode, base: draft.rootImage }];
    try {
      const saved = editing ? await api.patch<VmView>(`/vms/${vm.id}`, body) : await api.post<VmView>('/vms', body);
      store.put(saved);
      notify('ok', editing ? `${saved.name} saved` : `${saved.name} created`);
      navigate(`/vms/${saved.id}`);
    } catch (f) {
      if (f instanceof ApiFailure) {
        setFields(f.fields);
        setError(Object.keys(f.fields).length > 0 ? 'The server refused some fields; see the messages beside them.' : f.message);
      } else setError(String(f));
    } finally {
      setBusy(false);
    }
  };

  const DISK_MODE_LABELS: Record<DiskMode, string> = {
    private: 'private: its own persistent copy',
    cow: 'copy-on-write, changes dropped at power-off',
    'cow-persistent': 'copy-on-write, changes kept (overlay)',
  };
  const rootErrors = fields.rootImage ?? fields['disks.0.base'] ?? fields.disks;
  const kernels = images.filter((i) => i.kind === 'kernel');
  const bases = images.filter((i) => i.kind === 'base-disk');
  return (
    <section className="page page-narrow" aria-labelledby="form-title">
      <div className="page-head">
        <h1 id="form-title">{editing ? `Edit ${vm.name}` : 'New virtual machine'}</h1>
      </div>
      {disabledWhy !== null && <p className="note" role="note">{disabledWhy}.</p>}
      <form className="form" onSubmit={(e) => void submit(e)} noValidate aria-describedby={error === null ? undefined : 'form-error'}>
        <fieldset disabled={disabledWhy !== null || busy}>
          <div className="form-grid">
            <Field id="name" label="Name" hint="a lower-case letter, then up to 31 lower-case letters, digits or dashes" errors={fields.name}>
              <input id="name" value={draft.name} onChange={set('name')} autoComplete="off" spellCheck={false} {...bad('name')} />
            </Field>
            <Field id="vcpus" label="vCPUs" hint={machine === null ? undefined : `1 to ${machine.cpus}`} errors={fields.vcpus}>
              <input id="vcpus" inputMode="numeric" value={draft.vcpus} onChange={set('vcpus')} {...bad('vcpus')} />
            </Field>
            <Field id="memoryMiB" label="Memory (MiB)" hint={machine === null ? undefined : `at least 8; ${machine.freeMemoryMiB} of ${machine.memoryMiB} MiB free now`} errors={fields.memoryMiB}>
              <input id="memoryMiB" inputMode="numeric" value={draft.memoryMiB} onChange={set('memoryMiB')} {...bad('memoryMiB')} />
            </Field>
            <Field id="homeNode" label="Home node" hint={machine === null ? undefined : `NUMA node 0 to ${machine.nodes - 1}, for its memory and vCPUs`} errors={fields.homeNode}>
              <input id="homeNode" inputMode="numeric" value={draft.homeNode} onChange={set('homeNode')} {...bad('homeNode')} />
            </Field>
            <Field id="kernel" label="Kernel image" errors={fields.kernel}>
              <select id="kernel" value={draft.kernel} onChange={set('kernel')} {...bad('kernel')}>
                {kernels.length === 0 && <option value={draft.kernel}>{draft.kernel}</option>}
                {kernels.map((k) => <option key={k.name} value={k.name}>{k.name}</option>)}
              </select>
            </Field>
            {!editing && (
              <Field id="rootImage" label="Root disk from" hint="a base image" errors={rootErrors}>
                <select id="rootImage" value={draft.rootImage} onChange={set('rootImage')} aria-invalid={rootErrors !== undefined} aria-describedby="rootImage-hint rootImage-error">
                  {bases.length === 0 && <option value={draft.rootImage}>{draft.rootImage}</option>}
                  {bases.map((b) => <option key={b.name} value={b.name}>{b.name}</option>)}
                </select>
              </Field>
            )}
            {!editing && (
              <Field id="diskMode" label="Root disk kind" hint="how the monitor runs the disk" errors={fields['disks.0.mode']}>
                <select id="diskMode" value={draft.diskMode} onChange={set('diskMode')} aria-invalid={fields['disks.0.mode'] !== undefined} aria-describedby="diskMode-hint diskMode-error">
                  {DISK_MODES.map((m) => <option key={m} value={m}>{DISK_MODE_LABELS[m]}</option>)}
                </select>
              </Field>
            )}
          </div>
          <Field id="cmdline" label="Kernel command line" hint="init=PATH, strace, strace=err" errors={fields.cmdline}>
            <input id="cmdline" className="mono" value={draft.cmdline} onChange={set('cmdline')} spellCheck={false} {...bad('cmdline')} />
          </Field>
          <Field id="bootScript" label="Boot script" hint="typed into the console once the first shell prompt appears" errors={fields.bootScript}>
            <textarea id="bootScript" className="mono" rows={4} value={draft.bootScript} onChange={set('bootScript')} spellCheck={false} {...bad('bootScript')} />
          </Field>
          <div className={fields.autostart === undefined ? 'field field-check' : 'field field-check field-bad'}>
            <input id="autostart" type="checkbox" checked={draft.autostart} onChange={(e) => setDraft({ ...draft, autostart: e.target.checked })} />
            <label htmlFor="autostart">Start with the server</label>
            {fields.autostart?.map((m) => <p key={m} className="field-error" role="alert">{m}</p>)}
          </div>
          {error !== null && <p id="form-error" className="form-error" role="alert">{error}</p>}
          <div className="form-buttons">
            <button type="submit" className="btn btn-primary">{busy ? 'Saving…' : editing ? 'Save' : 'Create VM'}</button>
            <button type="button" className="btn" onClick={() => navigate(editing ? `/vms/${vm.id}` : '/vms')}>Cancel</button>
          </div>
        </fieldset>
      </form>
    </section>
  );
}
