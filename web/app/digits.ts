// Each instrument's decimals for the screen by instId: its tick's for prices, its lot's for sizes
// (undefined until its rules are loaded; the formatters then show the exchange's strings as they are).
import { useInstruments } from "../vue/market.ts";
import { type Digits, digitsOf } from "./format.ts";

export function useDigits(): (instId: string) => Digits | undefined {
  const instruments = useInstruments();
  return (instId) => digitsOf(instruments.get(instId));
}
