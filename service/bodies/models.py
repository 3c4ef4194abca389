from sqlmodel import Field, SQLModel


class Body(SQLModel, table=True):
    """A Körperschaft (OParl: Body); its slug keys the audit chain, one chain per city."""

    __tablename__ = "bodies"

    id: int | None = Field(default=None, primary_key=True)
    slug: str = Field(unique=True, max_length=64)
    name: str = Field(max_length=200)
