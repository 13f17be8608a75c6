//! Calendar dates as editors write them: a day, never shifted by time zone.

use std::fmt;

use chrono::{Datelike, NaiveDate};
use serde::{Serialize, Serializer};

use crate::diagnostics::Code;
use crate::yaml::{FromYaml, Value, ValueError};

/// A calendar day such as 2025-06-20.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct Date(NaiveDate);

impl Date {
    pub fn from_ymd(year: i32, month: u32, day: u32) -> Option<Date> {
        NaiveDate::from_ymd_opt(year, month, day).map(Date)
    }

    /// Today on this machine's calendar.
    pub fn today() -> Date {
        Date(chrono::Local::now().date_naive())
    }

    /// Parse `YYYY-MM-DD`, or a date-time whose date part is taken as written.
    pub fn parse(text: &str) -> Result<Date, ValueError> {
        let text = text.trim();
        let day_part = text.get(..10).unwrap_or(text);
        let rest = text.get(10..).unwrap_or("");
        let shape_ok = day_part.len() == 10
            && day_part.as_bytes()[4] == b'-'
            && day_part.as_bytes()[7] == b'-'
            && day_part
                .bytes()
                .enumerate()
                .all(|(i, b)| i == 4 || i == 7 || b.is_ascii_digit())
            && (rest.is_empty() || rest.starts_with(['T', 't', ' ']));
        if !shape_ok {
            return Err(ValueError::new(format!("`{text}` is not a date"))
                .hint("write dates as YYYY-MM-DD, e.g. 2025-06-20")
                .code(Code::InvalidDate));
        }
        let year: i32 = day_part[..4].parse().unwrap_or_default();
        let month: u32 = day_part[5..7].parse().unwrap_or_default();
        let day: u32 = day_part[8..10].parse().unwrap_or_default();
        if !(1..=12).contains(&month) {
            return Err(ValueError::new(format!("`{text}` has no month {month}"))
                .hint("months run from 01 to 12; dates are written YYYY-MM-DD")
                .code(Code::InvalidDate));
        }
        Date::from_ymd(year, month, day).ok_or_else(|| {
            let last = days_in_month(year, month);
            ValueError::new(format!(
                "`{text}` does not exist: {} {year} has {last} days",
                month_name(month)
            ))
            .hint("check the day; dates are written YYYY-MM-DD")
            .code(Code::InvalidDate)
        })
    }

    pub fn year(self) -> i32 {
        self.0.year()
    }

    /// The same day `months` later; the 31st becomes the month's last day.
    pub fn months_later(self, months: u32) -> Date {
        Date(
            self.0
                .checked_add_months(chrono::Months::new(months))
                .unwrap_or(self.0),
        )
    }

    /// Days from `self` until `later` (negative when `later` is earlier).
    pub fn days_until(self, later: Date) -> i64 {
        (later.0 - self.0).num_days()
    }

    /// "20 June 2025", the form GOV.UK and the NHS use.
    pub fn long(self) -> String {
        format!(
            "{} {} {}",
            self.0.day(),
            month_name(self.0.month()),
            self.0.year()
        )
    }

    /// Format with strftime codes, for templates.
    pub fn format(self, pattern: &str) -> String {
        use std::fmt::Write;
        let mut out = String::new();
        // chrono reports bad patterns as a formatting error rather than a panic.
        if write!(out, "{}", self.0.format(pattern)).is_err() {
            return self.to_string();
        }
        out
    }

    /// Midnight UTC in RFC 3339, for feeds.
    pub fn rfc3339(self) -> String {
        format!("{self}T00:00:00Z")
    }
}

impl fmt::Display for Date {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}", self.0.format("%Y-%m-%d"))
    }
}

impl Serialize for Date {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.collect_str(self)
    }
}

impl FromYaml for Date {
    fn from_yaml(value: &Value) -> Result<Self, ValueError> {
        match value {
            Value::String(s) => Date::parse(s),
            other => {
                Err(ValueError::expected("a date such as 2025-06-20", other)
                    .code(Code::InvalidDate))
            }
        }
    }
}

fn days_in_month(year: i32, month: u32) -> u32 {
    (28..=31)
        .rev()
        .find(|d| NaiveDate::from_ymd_opt(year, month, *d).is_some())
        .unwrap_or(28)
}

fn month_name(month: u32) -> &'static str {
    const NAMES: [&str; 12] = [
        "January",
        "February",
        "March",
        "April",
        "May",
        "June",
        "July",
        "August",
        "September",
        "October",
        "November",
        "December",
    ];
    NAMES[(month.clamp(1, 12) - 1) as usize]
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parses_plain_dates_and_keeps_the_day_of_date_times() {
        assert_eq!(Date::parse("2025-06-20").unwrap().to_string(), "2025-06-20");
        // Late in the evening west of UTC is still the day the editor wrote.
        assert_eq!(
            Date::parse("2025-06-20T23:30:00-08:00")
                .unwrap()
                .to_string(),
            "2025-06-20"
        );
        assert_eq!(
            Date::parse("2025-06-20 09:00").unwrap().to_string(),
            "2025-06-20"
        );
    }

    #[test]
    fn impossible_dates_say_why() {
        let err = Date::parse("2025-02-30").unwrap_err();
        assert_eq!(
            err.message,
            "`2025-02-30` does not exist: February 2025 has 28 days"
        );
        assert_eq!(err.code, Some(Code::InvalidDate));
        assert!(
            Date::parse("2025-13-01")
                .unwrap_err()
                .message
                .contains("no month 13")
        );
        assert!(Date::parse("20/06/2025").is_err());
        assert!(Date::parse("2025-06-2").is_err());
    }

    #[test]
    fn leap_years() {
        assert!(Date::parse("2024-02-29").is_ok());
        assert!(Date::parse("2100-02-29").is_err());
    }

    #[test]
    fn long_form() {
        assert_eq!(Date::parse("2025-06-05").unwrap().long(), "5 June 2025");
    }
}
