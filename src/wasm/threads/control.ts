// The words of the record at model_sync() as i32 indices, from assembly/abi.ts (SYNC_*). The first three belong to
// the barrier inside jobs; the rest are how the host hands a job to its workers and learns that it finished.
export {
  SYNC_COUNT as COUNT, SYNC_GEN as GEN, SYNC_FAILED as FAILED, SYNC_SEQ as SEQ, SYNC_DONE as DONE, SYNC_EXIT as EXIT,
  SYNC_FAULT as FAULT, SYNC_HOST_WORDS as WORDS,
} from '../../../build/abi.js';
