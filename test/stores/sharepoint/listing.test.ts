/** When listing the User Photos library beats reading each person's thumbnails (pure). */
import { describe, expect, it } from "vitest";
import { LISTING_PAGE_SIZE, listingPays } from "../../../src/stores/sharepoint/listing.js";

describe("listingPays", () => {
  it("a drift plan of everyone lists: one page per 5,000 files, whatever the people", () => {
    expect(listingPays(30_000, 10_000)).toBe(true);
    expect(listingPays(300_000, 100_000)).toBe(true);
  });

  it("one person in a big tenant reads their own three files instead of paging the library", () => {
    expect(listingPays(300_000, 1)).toBe(false);
    expect(listingPays(LISTING_PAGE_SIZE * 3, 2)).toBe(false);
  });

  it("a library of one page is listed even for one person; an uncounted folder is listed", () => {
    expect(listingPays(LISTING_PAGE_SIZE, 1)).toBe(true);
    expect(listingPays(0, 1)).toBe(true);
    expect(listingPays(undefined, 1)).toBe(true);
  });
});
