/** The shape of a handler table: one function per protocol method, given validated data. */
import type { Method, ParsedRequest, ResponseData } from '../../../common/protocol';

export type Handler<Ctx, M extends Method> = (ctx: Ctx, data: ParsedRequest<M>) => Promise<ResponseData<M>>;

export type Handlers<Ctx> = { [M in Method]?: Handler<Ctx, M> };
