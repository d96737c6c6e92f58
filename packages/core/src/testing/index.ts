export { createFakeClock, type FakeClock } from './fake-clock';
export {
  type RecordedPurge,
  type RecordingPurger,
  type RecordingPurgerOptions,
  recordingPurger,
} from './recording-purger';
export { type StoreConformanceOptions, storeConformanceSuite } from './store-conformance';
