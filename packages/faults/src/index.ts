export { type FaultAction, Faults, InjectedFault, noFaults } from './faults.js';
