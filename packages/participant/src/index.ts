export {
  CommandReplier,
  participantMigrations,
  type Reply,
  type ReplyOutcome,
  type SagaCommand,
} from './command-replier.js';
