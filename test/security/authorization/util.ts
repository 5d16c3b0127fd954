import { keccak256, toUtf8Bytes } from "ethers";

export const h = (text: string): string => keccak256(toUtf8Bytes(text));
export const DAY = 86_400n;
