/** An error shown under the control it concerns; `id` is what the control's aria-describedby names. */
export function FieldError({ id, message }: { id: string; message: string | undefined }) {
  return (
    <p id={id} className="field-error" role={message === undefined ? undefined : 'alert'}>
      {message ?? ''}
    </p>
  );
}

/** An error that belongs to the whole step rather than one field. */
export function StepError({ message }: { message: string | undefined }) {
  if (message === undefined) return null;
  return (
    <div className="step-error" role="alert">
      {message}
    </div>
  );
}
