package sampledb

// northwindSchema is the DDL of the built Northwind database: the tables and
// columns that the seed ontology (data/seed000/analytic_graph_v1.json) names,
// with their declared types, primary and foreign keys, the classic CHECK
// constraints, indexes on the foreign-key and date columns, and a view
// "Order Details" so that classic Northwind queries keep working.
//
// Dates are stored as TEXT 'YYYY-MM-DD' (the ontology's date_format), so
// string comparison, BETWEEN and strftime all behave.
const northwindSchema = `
CREATE TABLE Categories (
  CategoryID   INTEGER PRIMARY KEY,
  CategoryName TEXT NOT NULL,
  Description  TEXT,
  Picture      BLOB
);
CREATE TABLE CustomerDemographics (
  CustomerTypeID TEXT NOT NULL PRIMARY KEY,
  CustomerDesc   TEXT
);
CREATE TABLE Customers (
  CustomerID   TEXT NOT NULL PRIMARY KEY,
  CompanyName  TEXT NOT NULL,
  ContactName  TEXT,
  ContactTitle TEXT,
  Address      TEXT,
  City         TEXT,
  Region       TEXT,
  PostalCode   TEXT,
  Country      TEXT,
  Phone        TEXT,
  Fax          TEXT
);
CREATE TABLE CustomerCustomerDemo (
  CustomerID     TEXT NOT NULL REFERENCES Customers (CustomerID),
  CustomerTypeID TEXT NOT NULL REFERENCES CustomerDemographics (CustomerTypeID),
  PRIMARY KEY (CustomerID, CustomerTypeID)
);
CREATE TABLE Regions (
  RegionID          INTEGER PRIMARY KEY,
  RegionDescription TEXT NOT NULL
);
CREATE TABLE Territories (
  TerritoryID          TEXT NOT NULL PRIMARY KEY,
  TerritoryDescription TEXT NOT NULL,
  RegionID             INTEGER NOT NULL REFERENCES Regions (RegionID)
);
CREATE TABLE Employees (
  EmployeeID      INTEGER PRIMARY KEY,
  LastName        TEXT NOT NULL,
  FirstName       TEXT NOT NULL,
  Title           TEXT,
  TitleOfCourtesy TEXT,
  BirthDate       DATE,
  HireDate        DATE,
  Address         TEXT,
  City            TEXT,
  Region          TEXT,
  PostalCode      TEXT,
  Country         TEXT,
  HomePhone       TEXT,
  Extension       TEXT,
  Notes           TEXT,
  ReportsTo       INTEGER REFERENCES Employees (EmployeeID),
  PhotoPath       TEXT
);
CREATE TABLE EmployeeTerritories (
  EmployeeID  INTEGER NOT NULL REFERENCES Employees (EmployeeID),
  TerritoryID TEXT NOT NULL REFERENCES Territories (TerritoryID),
  PRIMARY KEY (EmployeeID, TerritoryID)
);
CREATE TABLE Shippers (
  ShipperID   INTEGER PRIMARY KEY,
  CompanyName TEXT NOT NULL,
  Phone       TEXT
);
CREATE TABLE Suppliers (
  SupplierID   INTEGER PRIMARY KEY,
  CompanyName  TEXT NOT NULL,
  ContactName  TEXT,
  ContactTitle TEXT,
  Address      TEXT,
  City         TEXT,
  Region       TEXT,
  PostalCode   TEXT,
  Country      TEXT,
  Phone        TEXT,
  Fax          TEXT,
  HomePage     TEXT
);
CREATE TABLE Products (
  ProductID       INTEGER PRIMARY KEY,
  ProductName     TEXT NOT NULL,
  SupplierID      INTEGER REFERENCES Suppliers (SupplierID),
  CategoryID      INTEGER REFERENCES Categories (CategoryID),
  QuantityPerUnit TEXT,
  UnitPrice       NUMERIC DEFAULT 0 CHECK (UnitPrice >= 0),
  UnitsInStock    INTEGER DEFAULT 0 CHECK (UnitsInStock >= 0),
  UnitsOnOrder    INTEGER DEFAULT 0 CHECK (UnitsOnOrder >= 0),
  ReorderLevel    INTEGER DEFAULT 0 CHECK (ReorderLevel >= 0),
  Discontinued    TEXT NOT NULL DEFAULT '0'
);
CREATE TABLE Orders (
  OrderID        INTEGER PRIMARY KEY,
  CustomerID     TEXT REFERENCES Customers (CustomerID),
  EmployeeID     INTEGER REFERENCES Employees (EmployeeID),
  OrderDate      DATETIME,
  RequiredDate   DATETIME,
  ShippedDate    DATETIME,
  ShipVia        INTEGER REFERENCES Shippers (ShipperID),
  Freight        NUMERIC DEFAULT 0,
  ShipName       TEXT,
  ShipAddress    TEXT,
  ShipCity       TEXT,
  ShipRegion     TEXT,
  ShipPostalCode TEXT,
  ShipCountry    TEXT
);
CREATE TABLE order_details (
  OrderID   INTEGER NOT NULL REFERENCES Orders (OrderID),
  ProductID INTEGER NOT NULL REFERENCES Products (ProductID),
  UnitPrice NUMERIC NOT NULL DEFAULT 0 CHECK (UnitPrice >= 0),
  Quantity  INTEGER NOT NULL DEFAULT 1 CHECK (Quantity > 0),
  Discount  REAL NOT NULL DEFAULT 0 CHECK (Discount >= 0 AND Discount <= 1),
  PRIMARY KEY (OrderID, ProductID)
);
CREATE VIEW "Order Details" AS SELECT * FROM order_details;

CREATE INDEX idx_CustomerCustomerDemo_CustomerTypeID ON CustomerCustomerDemo (CustomerTypeID);
CREATE INDEX idx_Territories_RegionID ON Territories (RegionID);
CREATE INDEX idx_Employees_ReportsTo ON Employees (ReportsTo);
CREATE INDEX idx_EmployeeTerritories_TerritoryID ON EmployeeTerritories (TerritoryID);
CREATE INDEX idx_Products_SupplierID ON Products (SupplierID);
CREATE INDEX idx_Products_CategoryID ON Products (CategoryID);
CREATE INDEX idx_Orders_CustomerID ON Orders (CustomerID);
CREATE INDEX idx_Orders_EmployeeID ON Orders (EmployeeID);
CREATE INDEX idx_Orders_ShipVia ON Orders (ShipVia);
CREATE INDEX idx_Orders_OrderDate ON Orders (OrderDate);
CREATE INDEX idx_order_details_ProductID ON order_details (ProductID);
`

// copyReference fills the reference tables of the attached database "out"
// from the classic data in "main". Employees' photos (not in the ontology's
// schema) are dropped; Categories' pictures (about 90 KB in all) are kept.
// The two test rows of the classic script with no country ('VALON', 'Val2 ')
// are left out of Customers. Employees' birth and hire dates move by the same
// number of years as the orders, and all dates become 'YYYY-MM-DD'.
const copyReference = `
INSERT INTO out.Categories SELECT CategoryID, CategoryName, Description, Picture FROM main.Categories ORDER BY CategoryID;
INSERT INTO out.Customers SELECT CustomerID, CompanyName, ContactName, ContactTitle, Address, City, Region, PostalCode, Country, Phone, Fax
  FROM main.Customers WHERE Country IS NOT NULL ORDER BY CustomerID;
INSERT INTO out.Regions SELECT RegionID, trim(RegionDescription) FROM main.Regions ORDER BY RegionID;
INSERT INTO out.Territories SELECT trim(TerritoryID), trim(TerritoryDescription), RegionID FROM main.Territories ORDER BY TerritoryID;
INSERT INTO out.Employees SELECT EmployeeID, LastName, FirstName, Title, TitleOfCourtesy,
  date(BirthDate, printf('%+d years', :shift)), date(HireDate, printf('%+d years', :shift)),
  Address, City, Region, PostalCode, Country, HomePhone, Extension, Notes, ReportsTo, PhotoPath
  FROM main.Employees ORDER BY EmployeeID;
INSERT INTO out.EmployeeTerritories SELECT EmployeeID, trim(TerritoryID) FROM main.EmployeeTerritories ORDER BY EmployeeID, TerritoryID;
INSERT INTO out.Shippers SELECT ShipperID, CompanyName, Phone FROM main.Shippers ORDER BY ShipperID;
INSERT INTO out.Suppliers SELECT SupplierID, CompanyName, ContactName, ContactTitle, Address, City, Region, PostalCode, Country, Phone, Fax, HomePage
  FROM main.Suppliers ORDER BY SupplierID;
INSERT INTO out.Products SELECT ProductID, ProductName, SupplierID, CategoryID, QuantityPerUnit, UnitPrice, UnitsInStock, UnitsOnOrder, ReorderLevel, Discontinued
  FROM main.Products ORDER BY ProductID;
`

// demographics are the customer types written to CustomerDemographics (the
// classic data leaves the table empty).
var demographics = []struct{ id, desc string }{
	{"GOURMET", "Gourmet and specialty food shops"},
	{"GROCERY", "Grocery stores and supermarkets"},
	{"HORECA", "Hotels, restaurants and cafés"},
	{"ONLINE", "Online retailers"},
	{"WHOLESALE", "Wholesalers and distributors"},
}
