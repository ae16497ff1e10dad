// A modal confirmation (native <dialog>, so focus is trapped and Escape cancels) for actions
// that lose work: stop, reset, delete.
import { useEffect, useRef, type ReactNode } from 'react';

export interface ConfirmRequest {
  title: string;
  body: string;
  confirm: string;
  onConfirm: () => void;
}

export function Confirm({ request, onClose }: { request: ConfirmRequest | null; onClose: () => void }): ReactNode {
  const ref = useRef<HTMLDialogElement>(null);
  useEffect(() => {
    const d = ref.current;
    if (d === null) return;
    if (request !== null && !d.open) d.showModal();
    if (request === null && d.open) d.close();
  }, [request]);
  return (
    <dialog ref={ref} className="dialog" aria-labelledby="confirm-title" aria-describedby="confirm-body" onClose={onClose}>
      {request !== null && (
        <form method="dialog" onSubmit={(e) => { e.preventDefault(); request.onConfirm(); onClose(); }}>
          <h2 id="confirm-title">{request.title}</h2>
          <p id="confirm-body">{request.body}</p>
          <div className="dialog-buttons">
            <button type="button" className="btn" onClick={onClose} autoFocus>Cancel</button>
            <button type="submit" className="btn btn-danger">{request.confirm}</button>
          </div>
        </form>
      )}
    </dialog>
  );
}
