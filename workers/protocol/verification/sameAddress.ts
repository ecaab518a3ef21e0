// Whether an address named by an event is this worker's own account. Chain addresses come checksummed or lower
// case depending on who produced them, so they compare case-insensitively; an absent account matches nothing.
export function sameAddress(account: string, other: string | undefined): boolean {
  return other !== undefined && account.toLowerCase() === other.toLowerCase();
}
