export { serviceDataKeys, serviceFieldCipher } from './field-cipher.js';
export type { OrdoService, ServiceContext, ServiceFactory } from './service.js';
