/** Comment lists: adding one that may arrive twice (as the answer to our POST and pushed to the room). */
import type { DocComment } from '../../../../common/api/documents';

export const withComment = (list: DocComment[], c: DocComment): DocComment[] => (list.some((x) => x.id === c.id) ? list : [...list, c]);
