/**
 * Calendar periods, s: a month of 730 h (a twelfth of a 365-day year, as
 * cloud price lists count) and that year. Costs are normalised per month,
 * reports show totals per month, and the scenario's `month` unit is the same.
 */
export const MONTH_S = 730 * 3600;
export const YEAR_S = 8760 * 3600;
