import { Faker, base, en } from '@faker-js/faker';

/** A Faker of its own (not the shared global), seeded when a seed is given so output is reproducible. */
export function createFaker(seed?: number): Faker {
  const faker = new Faker({ locale: [en, base] });
  faker.seed(seed ?? Math.floor(Math.random() * 2 ** 31));
  return faker;
}

/** Rounds money to cents, as a real ledger would store it. */
export const cents = (amount: number): number => Math.round(amount * 100) / 100;
