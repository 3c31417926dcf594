// OKX error codes with the messages the simulator sends (OKX.md §7; wording paraphrased from the
// ccxt exception map), so every module answers the same code with the same text.

export const MSG: Record<string, string> = {
  "0": "",
  "1": "All operations failed",
  "2": "Bulk operation partially succeeded",
  "50000": "Body can not be empty",
  "50002": "Json data format error",
  "50011": "Too Many Requests",
  "50014": "Parameter {0} can not be empty",
  "50101": "APIKey does not match current environment.",
  "50102": "Timestamp request expired",
  "50103": 'Request header "OK-ACCESS-KEY" can not be empty.',
  "50104": 'Request header "OK-ACCESS-PASSPHRASE" can not be empty.',
  "50105": 'Request header "OK-ACCESS-PASSPHRASE" incorrect.',
  "50106": 'Request header "OK-ACCESS-SIGN" can not be empty.',
  "50107": 'Request header "OK-ACCESS-TIMESTAMP" can not be empty.',
  "50111": "Invalid OK-ACCESS-KEY",
  "50112": "Invalid OK-ACCESS-TIMESTAMP",
  "50113": "Invalid Sign",
  "51000": "Parameter {0} error",
  "51001": "Instrument ID does not exist",
  "51003": "Either client order ID or order ID is required",
  "51006": "Order price is not within the price limit",
  "51008": "Order failed. Insufficient {0} balance in account.",
  "51016": "Duplicated clOrdId",
  "51020": "Your order should meet or exceed the minimum order amount.",
  "51111": "Maximum {0} orders can be placed in bulk",
  "51121": "Order quantity must be a multiple of the lot size.",
  "51169": "Order failed because you don't have any positions in this direction for this contract to reduce or close.",
  "51174": "The number of {0} pending orders reached the upper limit of 500 (orders).",
  "51400": "Cancellation failed as the order has been filled, canceled or does not exist.",
  "51401": "Cancellation failed as the order is already canceled.",
  "51402": "Cancellation failed as the order is already completed.",
  "51500": "Either order price or amount is required",
  "51502": "Order modification failed for insufficient margin or balance",
  "51503": "Order modification failed as the order does not exist.",
  "51509": "Modification failed as the order has been canceled.",
  "51510": "Modification failed as the order has been completed.",
  "51511": "Operation failed as the order price did not meet the requirement for Post Only.",
  "51603": "Order does not exist",
  "59102": "Leverage exceeds the maximum leverage. Adjust the leverage.",
  "59103": "Leverage is too low and no sufficient margin in your account. Adjust the leverage.",
  "60001": '"OK-ACCESS-KEY" can not be empty',
  "60002": '"OK-ACCESS-SIGN" can not be empty',
  "60003": '"OK-ACCESS-PASSPHRASE" can not be empty',
  "60004": "Invalid timestamp",
  "60005": "Invalid OK-ACCESS-KEY",
  "60006": "Timestamp request expired",
  "60007": "Invalid sign",
  "60009": "Login failed.",
  "60010": "Already logged in.",
  "60011": "Please log in.",
  "60012": "Illegal request: {0}",
  "60013": "Invalid args",
  "60014": "Requests too frequent.",
  "60015": "Connection closed as there was no data transmission in the last 30 seconds.",
  "60018":
    "Wrong URL or channel:{0},instId:{1} doesn't exist. Please use the correct URL, channel and parameters referring to API document.",
  "60019": "Invalid op: {0}",
  "60024": "Wrong passphrase",
  "64001": "This channel has been migrated to the '/business' URL. Please subscribe using the new URL.",
  "64002":
    'This channel is not supported by "/business" URL. Please use "/private" URL(for private channels), or "/public" URL(for public channels).',
  "64008": "The connection will soon be closed for a service upgrade. Please reconnect.",
};

/** The message of `code`, with {0}, {1} replaced by `args`. */
export function msg(code: string, ...args: string[]): string {
  return (MSG[code] ?? "").replace(/\{(\d)\}/g, (_, i: string) => args[Number(i)] ?? "");
}

/** An item-level outcome: sCode and sMsg. */
export interface ItemError {
  sCode: string;
  sMsg: string;
}

export function itemError(code: string, ...args: string[]): ItemError {
  return { sCode: code, sMsg: msg(code, ...args) };
}
