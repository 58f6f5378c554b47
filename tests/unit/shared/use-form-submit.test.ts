// @vitest-environment happy-dom
/** The dialogs' one submit hook: busy while it runs, one run at a time, the error in words, nothing set after close. */
import { act, renderHook } from '@testing-library/react';
import { describe, expect, it, vi } from 'vitest';
import { invalid, useFormSubmit } from '../../../renderer/src/shared/use-form-submit';

/** A promise the test settles itself. */
function deferred() {
  let resolve!: () => void;
  let reject!: (err: unknown) => void;
  const promise = new Promise<void>((res, rej) => {
    resolve = res;
    reject = rej;
  });
  return { promise, resolve, reject };
}

describe('useFormSubmit', () => {
  it('is busy while the action runs and not after; a form submit does not load the page', async () => {
    const step = deferred();
    const { result } = renderHook(() => useFormSubmit(() => step.promise, () => 'never'));
    expect(result.current.busy).toBe(false);
    const preventDefault = vi.fn();
    act(() => result.current.onSubmit({ preventDefault }));
    expect(preventDefault).toHaveBeenCalledOnce();
    expect(result.current.busy).toBe(true);
    await act(async () => {
      step.resolve();
      await step.promise;
    });
    expect(result.current.busy).toBe(false);
    expect(result.current.error).toBeNull();
  });

  it('runs once however often it is submitted while busy (a double click sends one request)', async () => {
    const step = deferred();
    const action = vi.fn(() => step.promise);
    const { result } = renderHook(() => useFormSubmit(action));
    act(() => {
      result.current.onSubmit();
      result.current.onSubmit();
    });
    act(() => result.current.onSubmit());
    expect(action).toHaveBeenCalledTimes(1);
    await act(async () => {
      step.resolve();
      await step.promise;
    });
    await act(() => result.current.run());
    expect(action).toHaveBeenCalledTimes(2);
  });

  it('shows what the action threw through describeError, and clears it on the next try', async () => {
    let fail = true;
    const { result } = renderHook(() =>
      useFormSubmit(
        async () => {
          if (fail) throw Object.assign(new Error('409'), { code: 'conflict' });
        },
        (err) => `Không lưu được (${(err as { code: string }).code})`,
      ),
    );
    await act(() => result.current.run());
    expect(result.current.error).toBe('Không lưu được (conflict)');
    expect(result.current.busy).toBe(false);
    fail = false;
    await act(() => result.current.run());
    expect(result.current.error).toBeNull();
  });

  it('shows the message of invalid() as it is, and sends nothing after it', async () => {
    const send = vi.fn();
    const describeError = vi.fn(() => 'generic');
    const { result } = renderHook(() =>
      useFormSubmit(async () => {
        invalid('Tên đơn vị không được để trống');
        send();
      }, describeError),
    );
    await act(() => result.current.run());
    expect(result.current.error).toBe('Tên đơn vị không được để trống');
    expect(send).not.toHaveBeenCalled();
    expect(describeError).not.toHaveBeenCalled();
  });

  it('uses the latest render’s action (the form’s current values)', async () => {
    const seen: string[] = [];
    const { result, rerender } = renderHook(({ name }) => useFormSubmit(async () => void seen.push(name)), { initialProps: { name: 'Ba Chẽ' } });
    rerender({ name: 'Tiên Yên' });
    await act(() => result.current.run());
    expect(seen).toEqual(['Tiên Yên']);
  });

  it('sets nothing once the dialog is closed (the action closed it, then failed late)', async () => {
    const step = deferred();
    const errors = vi.spyOn(console, 'error').mockImplementation(() => undefined);
    const describeError = vi.fn(() => 'late');
    const { result, unmount } = renderHook(() => useFormSubmit(() => step.promise, describeError));
    act(() => result.current.onSubmit());
    unmount();
    step.reject(new Error('late failure'));
    await act(async () => {
      await step.promise.catch(() => undefined);
    });
    expect(describeError).not.toHaveBeenCalled();
    expect(errors).not.toHaveBeenCalled();
    errors.mockRestore();
  });
});
