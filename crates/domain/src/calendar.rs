//! The Spring Festival (春节) — the peak of cigarette demand, on a lunar date that moves between
//! 21 January and 20 February (domain.md §5.3 design implications).
use chrono::NaiveDate;

/// Gregorian (month, day) of the Spring Festival (lunar new year's day, 正月初一), 1990–2050.
const SPRING_FESTIVAL: [(u32, u32); 61] = [
    (1, 27), // 1990
    (2, 15), // 1991
    (2, 4),  // 1992
    (1, 23), // 1993
    (2, 10), // 1994
    (1, 31), // 1995
    (2, 19), // 1996
    (2, 7),  // 1997
    (1, 28), // 1998
    (2, 16), // 1999
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
    (2, 1),  // 2041
    (1, 22), // 2042
    (2, 10), // 2043
    (1, 30), // 2044
    (2, 17), // 2045
    (2, 6),  // 2046
    (1, 26), // 2047
    (2, 14), // 2048
    (2, 2),  // 2049
    (1, 23), // 2050
];

/// The first and last year the table covers.
pub const SPRING_FESTIVAL_YEARS: (i32, i32) = (1990, 2050);

/// The Spring Festival of `year` as (month, day), or `None` outside the table.
pub fn spring_festival_md(year: i32) -> Option<(u32, u32)> {
    let i = usize::try_from(year - SPRING_FESTIVAL_YEARS.0).ok()?;
    SPRING_FESTIVAL.get(i).copied()
}

/// The Spring Festival of `year`, or `None` outside the table.
pub fn spring_festival(year: i32) -> Option<NaiveDate> {
    let (m, d) = spring_festival_md(year)?;
    NaiveDate::from_ymd_opt(year, m, d)
}

#[cfg(test)]
mod tests {
    use super::*;
    use chrono::Datelike;

    #[test]
    fn table_is_in_range() {
        for y in 1990..=2050 {
            let d = spring_festival(y).unwrap();
            assert!(
                (d.month() == 1 && d.day() >= 21) || (d.month() == 2 && d.day() <= 20),
                "{d}"
            );
        }
        assert_eq!(spring_festival(2026).unwrap().to_string(), "2026-02-17");
        assert_eq!(spring_festival(2025).unwrap().to_string(), "2025-01-29");
        assert!(spring_festival(1989).is_none());
        assert!(spring_festival(2051).is_none());
    }
}
