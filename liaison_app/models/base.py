"""Declarative base, naming convention and the reusable column types."""

from __future__ import annotations

import datetime as dt
from typing import Annotated

from sqlalchemy import JSON, Boolean, Date, DateTime, MetaData, String, Text
from sqlalchemy.orm import DeclarativeBase, mapped_column

NAMING_CONVENTION = {
    "ix": "ix_%(column_0_label)s",
    "uq": "uq_%(table_name)s_%(column_0_name)s",
    "ck": "ck_%(table_name)s_%(constraint_name)s",
    "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}


class Base(DeclarativeBase):
    metadata = MetaData(naming_convention=NAMING_CONVENTION)


def utcnow() -> dt.datetime:
    """Naive UTC: SQLite keeps no time zone, so every stored time is UTC by convention."""
    return dt.datetime.now(dt.UTC).replace(tzinfo=None)


UuidPk = Annotated[str, mapped_column(String(36), primary_key=True)]
Code = Annotated[str, mapped_column(String(40))]
Name = Annotated[str, mapped_column(String(200))]
LongText = Annotated[str, mapped_column(Text)]
Day = Annotated[dt.date, mapped_column(Date)]
Stamp = Annotated[dt.datetime, mapped_column(DateTime, default=utcnow)]
Flag = Annotated[bool, mapped_column(Boolean, default=False, server_default="0")]
JsonList = Annotated[list[str], mapped_column(JSON, default=list)]
