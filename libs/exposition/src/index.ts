import { placeholder } from '@argus/model';
export const p2 = placeholder + 1;
