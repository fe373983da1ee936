//! The Spring Festival (春节) — the peak of cigarette demand, on a lunar date that moves between
//! 21 January and 20 February (domain.md §5.3 design implications).
use chrono::NaiveDate;

/// Gregorian date of the Spring Festival (lunar new year's day), 2000–2040.
const SPRING_FESTIVAL: [(u32, u32); 41] = [
    (2, 5),  // 2000
    (1, 24), // 2001
    (2, 12), // 2002
    (2, 1),  // 2003
    (1, 22), // 2004
    (2, 9),  // 2005
    (1, 29), // 2006
    (2, 18), // 2007
    (2, 7),  // 2008
    (1, 26), // 2009
    (2, 14), // 2010
    (2, 3),  // 2011
    (1, 23), // 2012
    (2, 10), // 2013
    (1, 31), // 2014
    (2, 19), // 2015
    (2, 8),  // 2016
    (1, 28), // 2017
    (2, 16), // 2018
    (2, 5),  // 2019
    (1, 25), // 2020
    (2, 12), // 2021
    (2, 1),  // 2022
    (1, 22), // 2023
    (2, 10), // 2024
    (1, 29), // 2025
    (2, 17), // 2026
    (2, 6),  // 2027
    (1, 26), // 2028
    (2, 13), // 2029
    (2, 3),  // 2030
    (1, 23), // 2031
    (2, 11), // 2032
    (1, 31), // 2033
    (2, 19), // 2034
    (2, 8),  // 2035
    (1, 28), // 2036
    (2, 15), // 2037
    (2, 4),  // 2038
    (1, 24), // 2039
    (2, 12), // 2040
];

/// The first and last year the table covers.
pub const SPRING_FESTIVAL_YEARS: (i32, i32) = (2000, 2040);

/// The Spring Festival of `year`, or `None` outside the table.
pub fn spring_festival(year: i32) -> Option<NaiveDate> {
    let i = usize::try_from(year - SPRING_FESTIVAL_YEARS.0).ok()?;
    let (m, d) = *SPRING_FESTIVAL.get(i)?;
    NaiveDate::from_ymd_opt(year, m, d)
}

#[cfg(test)]
mod tests {
    use super::*;
    use chrono::Datelike;

    #[test]
    fn table_is_in_range() {
        for y in 2000..=2040 {
            let d = spring_festival(y).unwrap();
            assert!(
                (d.month() == 1 && d.day() >= 21) || (d.month() == 2 && d.day() <= 20),
                "{d}"
            );
        }
        assert_eq!(spring_festival(2026).unwrap().to_string(), "2026-02-17");
        assert_eq!(spring_festival(2025).unwrap().to_string(), "2025-01-29");
        assert!(spring_festival(1999).is_none());
        assert!(spring_festival(2041).is_none());
    }
}
