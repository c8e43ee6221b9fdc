export {
  CommandReplier,
  DEFER,
  participantMigrations,
  type Reply,
  type ReplyOutcome,
  type SagaCommand,
} from './command-replier.js';
