export { createFakeClock, type FakeClock } from './fake-clock';
export { type StoreConformanceOptions, storeConformanceSuite } from './store-conformance';
