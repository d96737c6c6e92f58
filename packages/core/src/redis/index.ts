export const redisPlaceholder: number = 1;
