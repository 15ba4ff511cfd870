//! Conversions between kernel structures and the WIT records.

use std::hash::BuildHasher;

use rustix::fs::{FileType, Stat, Timestamps, UTIME_NOW, UTIME_OMIT};
use rustix::time::Timespec;

use crate::clocks::Datetime;
use crate::error::ErrorCode;
use crate::fs::types::{DescriptorStat, MetadataHashValue, NewTimestamp};

// `Stat` field widths vary by target (c_long, c_ulong): the casts are no-ops
// only on 64-bit Linux.
#[allow(clippy::unnecessary_cast)]
pub(crate) fn descriptor_stat(stat: &Stat) -> DescriptorStat {
    DescriptorStat {
        type_: FileType::from_raw_mode(stat.st_mode).into(),
        link_count: stat.st_nlink as u64,
        size: stat.st_size as u64,
        data_access_timestamp: Datetime::from_unix(stat.st_atime as i64, stat.st_atime_nsec as i64),
        data_modification_timestamp: Datetime::from_unix(
            stat.st_mtime as i64,
            stat.st_mtime_nsec as i64,
        ),
        status_change_timestamp: Datetime::from_unix(
            stat.st_ctime as i64,
            stat.st_ctime_nsec as i64,
        ),
    }
}

pub(crate) fn hash_stat(stat: &Stat, key: &impl BuildHasher) -> MetadataHashValue {
    MetadataHashValue {
        lower: key.hash_one((stat.st_dev, stat.st_ino, 0u8)),
        upper: key.hash_one((stat.st_dev, stat.st_ino, 1u8)),
    }
}

pub(crate) fn timestamps(
    atime: NewTimestamp,
    mtime: NewTimestamp,
) -> Result<Timestamps, ErrorCode> {
    Ok(Timestamps {
        last_access: timespec(atime)?,
        last_modification: timespec(mtime)?,
    })
}

pub(crate) fn timespec(ts: NewTimestamp) -> Result<Timespec, ErrorCode> {
    Ok(match ts {
        NewTimestamp::NoChange => Timespec {
            tv_sec: 0,
            tv_nsec: UTIME_OMIT,
        },
        NewTimestamp::Now => Timespec {
            tv_sec: 0,
            tv_nsec: UTIME_NOW,
        },
        NewTimestamp::Timestamp(Datetime {
            seconds,
            nanoseconds,
        }) => {
            if nanoseconds >= 1_000_000_000 {
                return Err(ErrorCode::Invalid);
            }
            Timespec {
                tv_sec: i64::try_from(seconds).map_err(|_| ErrorCode::Overflow)?,
                tv_nsec: nanoseconds.into(),
            }
        }
    })
}

pub(crate) fn same_inode(a: &Stat, b: &Stat) -> bool {
    a.st_dev == b.st_dev && a.st_ino == b.st_ino
}
