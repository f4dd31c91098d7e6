import { p2 } from '@argus/exposition';
console.log(p2);
