/** Floor and moderation requests from the UI, with a translated notification when the server refuses. */
import { notifications } from '@mantine/notifications';
import type { Method, RequestData, ResponseData } from '../../../../common/protocol';
import { errorMessage } from '../../shared/errors';
import type { ConferenceEngine } from '../conference/conference-engine';

/** The response, or null after showing why it was refused. `done` is shown on success. */
export async function act<M extends Method>(engine: ConferenceEngine, method: M, data: RequestData<M>, done?: string | ((r: ResponseData<M>) => string)): Promise<ResponseData<M> | null> {
  try {
    const result = await engine.request(method, data);
    if (done) notifications.show({ color: 'green', message: typeof done === 'string' ? done : done(result) });
    return result;
  } catch (err) {
    notifications.show({ color: 'red', message: errorMessage(err) });
    return null;
  }
}
