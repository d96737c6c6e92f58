export const testingPlaceholder: number = 1;
