export type { OrdoService, ServiceContext, ServiceFactory } from './service.js';
