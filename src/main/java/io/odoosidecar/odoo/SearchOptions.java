package io.odoosidecar.odoo;

/**
 * Paging and ordering of a {@code search} or {@code search_read}.
 *
 * @param offset how many records to skip
 * @param limit the most records to return, or 0 for all
 * @param order Odoo's order clause ({@code "id desc"}), or an empty string for the model's default
 */
public record SearchOptions(int offset, int limit, String order) {
  /** Every record, in the model's default order. */
  public static final SearchOptions ALL = new SearchOptions(0, 0, "");

  public SearchOptions {
    if (offset < 0 || limit < 0) {
      throw new IllegalArgumentException("offset and limit must not be negative");
    }
    order = order == null ? "" : order;
  }

  public static SearchOptions limit(int limit) {
    return new SearchOptions(0, limit, "");
  }

  public SearchOptions withOrder(String newOrder) {
    return new SearchOptions(offset, limit, newOrder);
  }

  public SearchOptions withOffset(int newOffset) {
    return new SearchOptions(newOffset, limit, order);
  }
}
