CREATE TABLE Categories (
  CategoryID INTEGER PRIMARY KEY, -- e.g. 1, 2, 3
  CategoryName TEXT, -- e.g. 'Beverages', 'Condiments', 'Confections'
  Description TEXT, -- e.g. 'Breads, crackers, pasta, and cereal', 'Cheeses', 'Desserts, candies, and sweet breads'
  Picture BLOB
);
CREATE TABLE CustomerCustomerDemo (
  CustomerID TEXT, -- e.g. 'ALFKI', 'BLAUS', 'BOLID'
  CustomerTypeID TEXT, -- e.g. 'GROCERY', 'WHOLESALE', 'GOURMET'
  PRIMARY KEY (CustomerID, CustomerTypeID),
  FOREIGN KEY (CustomerID) REFERENCES Customers (CustomerID),
  FOREIGN KEY (CustomerTypeID) REFERENCES CustomerDemographics (CustomerTypeID)
);
CREATE TABLE CustomerDemographics (
  CustomerTypeID TEXT PRIMARY KEY, -- e.g. 'GOURMET', 'GROCERY', 'HORECA'
  CustomerDesc TEXT -- e.g. 'Gourmet and specialty food shops', 'Grocery stores and supermarkets', 'Hotels, restaurants and cafés'
);
CREATE TABLE Customers (
  CustomerID TEXT PRIMARY KEY, -- e.g. 'ALFKI', 'ANATR', 'ANTON'
  CompanyName TEXT, -- e.g. 'Alfreds Futterkiste', 'Ana Trujillo Emparedados y helados', 'Antonio Moreno Taquería'
  ContactName TEXT, -- e.g. 'Alejandra Camino', 'Alexander Feuer', 'Ana Trujillo'
  ContactTitle TEXT, -- e.g. 'Owner', 'Sales Representative', 'Marketing Manager'
  Address TEXT, -- e.g. '1 rue Alsace-Lorraine', '12 Orchestra Terrace', '12, rue des Bouchers'
  City TEXT, -- e.g. 'London', 'México D.F.', 'Sao Paulo'
  Region TEXT, -- e.g. 'SP', 'OR', 'RJ'
  PostalCode TEXT, -- e.g. '1010', '05033', '44000'
  Country TEXT, -- e.g. 'USA', 'France', 'Germany'
  Phone TEXT, -- e.g. '(02) 201 24 67', '(071) 23 67 22 20', '(1) 123-5555'
  Fax TEXT -- e.g. '(02) 201 24 68', '(071) 23 67 22 21', '(1) 123-5556'
);
CREATE TABLE Employees (
  EmployeeID INTEGER PRIMARY KEY, -- e.g. 1, 2, 3
  LastName TEXT, -- e.g. 'Buchanan', 'Callahan', 'Davolio'
  FirstName TEXT, -- e.g. 'Andrew', 'Anne', 'Janet'
  Title TEXT, -- e.g. 'Sales Representative', 'Inside Sales Coordinator', 'Sales Manager'
  TitleOfCourtesy TEXT, -- e.g. 'Ms.', 'Mr.', 'Dr.'
  BirthDate DATE, -- e.g. '1961-09-19', '1972-12-08', '1976-02-19'
  HireDate DATE, -- e.g. '2017-10-17', '2016-04-01', '2016-05-01'
  Address TEXT, -- e.g. '14 Garrett Hill', '4110 Old Redmond Rd.', '4726 - 11th Ave. N.E.'
  City TEXT, -- e.g. 'London', 'Seattle', 'Kirkland'
  Region TEXT, -- e.g. 'WA'
  PostalCode TEXT, -- e.g. '98033', '98052', '98105'
  Country TEXT, -- e.g. 'USA', 'UK'
  HomePhone TEXT, -- e.g. '(206) 555-1189', '(206) 555-3412', '(206) 555-8122'
  Extension TEXT, -- e.g. '2344', '3355', '3453'
  Notes TEXT, -- e.g. 'Andrew received his BTS commercial in 19…', 'Anne has a BA degree in English from St.…', 'Education includes a BA in psychology fr…'
  ReportsTo INTEGER, -- e.g. 2, 5
  PhotoPath TEXT, -- e.g. 'http://accweb/emmployees/davolio.bmp', 'http://accweb/emmployees/buchanan.bmp', 'http://accweb/emmployees/fuller.bmp'
  FOREIGN KEY (ReportsTo) REFERENCES Employees (EmployeeID)
);
CREATE TABLE EmployeeTerritories (
  EmployeeID INTEGER, -- e.g. 7, 2, 5
  TerritoryID TEXT, -- e.g. '01581', '01730', '01833'
  PRIMARY KEY (EmployeeID, TerritoryID),
  FOREIGN KEY (EmployeeID) REFERENCES Employees (EmployeeID),
  FOREIGN KEY (TerritoryID) REFERENCES Territories (TerritoryID)
);
CREATE TABLE order_details (
  OrderID INTEGER, -- e.g. 10686, 10860, 12121
  ProductID INTEGER, -- e.g. 24, 59, 62
  UnitPrice NUMERIC, -- e.g. 18, 14, 10
  Quantity INTEGER, -- e.g. 20, 30, 10
  Discount REAL, -- e.g. 0, 0.1, 0.05
  PRIMARY KEY (OrderID, ProductID),
  FOREIGN KEY (OrderID) REFERENCES Orders (OrderID),
  FOREIGN KEY (ProductID) REFERENCES Products (ProductID)
);
CREATE TABLE Orders (
  OrderID INTEGER PRIMARY KEY, -- e.g. 10248, 10249, 10250
  CustomerID TEXT, -- e.g. 'ERNSH', 'SAVEA', 'QUICK'
  EmployeeID INTEGER, -- e.g. 4, 1, 3
  OrderDate DATETIME, -- e.g. '2024-11-29', '2020-11-26', '2021-12-07'
  RequiredDate DATETIME, -- e.g. '2022-01-26', '2024-12-27', '2021-01-27'
  ShippedDate DATETIME, -- e.g. '2024-09-25', '2022-01-01', '2022-11-27'
  ShipVia INTEGER, -- e.g. 2, 3, 1
  Freight NUMERIC, -- e.g. 0.92, 4.07, 27.61
  ShipName TEXT, -- e.g. 'Ernst Handel', 'Save-a-lot Markets', 'QUICK-Stop'
  ShipAddress TEXT, -- e.g. 'Kirchgasse 6', '187 Suffolk Ln.', 'Taucherstraße 10'
  ShipCity TEXT, -- e.g. 'London', 'Graz', 'Sao Paulo'
  ShipRegion TEXT, -- e.g. 'SP', 'RJ', 'OR'
  ShipPostalCode TEXT, -- e.g. '8010', '83720', '01307'
  ShipCountry TEXT, -- e.g. 'Germany', 'USA', 'France'
  FOREIGN KEY (CustomerID) REFERENCES Customers (CustomerID),
  FOREIGN KEY (EmployeeID) REFERENCES Employees (EmployeeID),
  FOREIGN KEY (ShipVia) REFERENCES Shippers (ShipperID)
);
CREATE TABLE Products (
  ProductID INTEGER PRIMARY KEY, -- e.g. 1, 2, 3
  ProductName TEXT, -- e.g. 'Alice Mutton', 'Aniseed Syrup', 'Boston Crab Meat'
  SupplierID INTEGER, -- e.g. 7, 12, 2
  CategoryID INTEGER, -- e.g. 3, 1, 2
  QuantityPerUnit TEXT, -- e.g. '24 - 12 oz bottles', '10 - 500 g pkgs.', '24 - 200 g pkgs.'
  UnitPrice NUMERIC, -- e.g. 14, 18, 10
  UnitsInStock INTEGER, -- e.g. 0, 15, 17
  UnitsOnOrder INTEGER, -- e.g. 0, 10, 70
  ReorderLevel INTEGER, -- e.g. 0, 25, 15
  Discontinued TEXT, -- e.g. '0', '1'
  FOREIGN KEY (SupplierID) REFERENCES Suppliers (SupplierID),
  FOREIGN KEY (CategoryID) REFERENCES Categories (CategoryID)
);
CREATE TABLE Regions (
  RegionID INTEGER PRIMARY KEY, -- e.g. 1, 2, 3
  RegionDescription TEXT -- e.g. 'Eastern', 'Northern', 'Southern'
);
CREATE TABLE Shippers (
  ShipperID INTEGER PRIMARY KEY, -- e.g. 1, 2, 3
  CompanyName TEXT, -- e.g. 'Federal Shipping', 'Speedy Express', 'United Package'
  Phone TEXT -- e.g. '(503) 555-3199', '(503) 555-9831', '(503) 555-9931'
);
CREATE TABLE Suppliers (
  SupplierID INTEGER PRIMARY KEY, -- e.g. 1, 2, 3
  CompanyName TEXT, -- e.g. 'Aux joyeux ecclésiastiques', 'Bigfoot Breweries', 'Cooperativa de Quesos ''Las Cabras'''
  ContactName TEXT, -- e.g. 'Anne Heikkonen', 'Antonio del Valle Saavedra ', 'Beate Vileid'
  ContactTitle TEXT, -- e.g. 'Sales Representative', 'Marketing Manager', 'Sales Manager'
  Address TEXT, -- e.g. '148 rue Chasseur', '170 Prince Edward Parade  Hunter''s Hill', '203, Rue des Francs-Bourgeois'
  City TEXT, -- e.g. 'Ann Arbor', 'Annecy', 'Bend'
  Region TEXT, -- e.g. 'Québec', 'Asturias', 'LA'
  PostalCode TEXT, -- e.g. '02134', '0512', '100'
  Country TEXT, -- e.g. 'USA', 'France', 'Germany'
  Phone TEXT, -- e.g. '(0)2-953010', '(010) 9984510', '(02) 555-5914'
  Fax TEXT, -- e.g. '(02) 555-4873', '(03) 444-6588', '(04721) 8714'
  HomePage TEXT -- e.g. '#CAJUN.HTM#', '#FORMAGGI.HTM#', 'G''day Mate (on the World Wide Web)#http:…'
);
CREATE TABLE Territories (
  TerritoryID TEXT PRIMARY KEY, -- e.g. '01581', '01730', '01833'
  TerritoryDescription TEXT, -- e.g. 'New York', 'Atlanta', 'Austin'
  RegionID INTEGER, -- e.g. 1, 2, 3
  FOREIGN KEY (RegionID) REFERENCES Regions (RegionID)
);
CREATE TABLE "Order Details" (
  OrderID INTEGER, -- e.g. 10686, 10860, 12121
  ProductID INTEGER, -- e.g. 24, 59, 62
  UnitPrice NUMERIC, -- e.g. 18, 14, 10
  Quantity INTEGER, -- e.g. 20, 30, 10
  Discount REAL -- e.g. 0, 0.1, 0.05
);
