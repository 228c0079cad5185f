SELECT COUNT(*) FROM Customers
SELECT CompanyName FROM Shippers
SELECT ProductName, UnitPrice FROM Products ORDER BY UnitPrice DESC LIMIT 3
SELECT COUNT(*) FROM Orders WHERE OrderDate LIKE '2021-%'
SELECT c.CategoryName, COUNT(p.ProductID) FROM Categories c JOIN Products p ON p.CategoryID = c.CategoryID GROUP BY c.CategoryName
SELECT FirstName, LastName, HireDate FROM Employees
SELECT DISTINCT Country FROM Suppliers
SELECT s.CompanyName, SUM(o.Freight) AS total FROM Orders o JOIN Shippers s ON o.ShipVia = s.ShipperID GROUP BY s.CompanyName ORDER BY total DESC
SELECT c.CompanyName FROM Customers c JOIN Orders o ON o.CustomerID = c.CustomerID WHERE c.Country = 'Germany' GROUP BY c.CompanyName HAVING COUNT(*) > 10
SELECT ProductName FROM Products WHERE ProductID NOT IN (SELECT ProductID FROM order_details)
SELECT RegionDescription FROM Regions WHERE RegionID IN (SELECT RegionID FROM Territories) UNION SELECT 'none'
SELECT SUM(UnitPrice * Quantity * (1 - Discount)) FROM order_details WHERE OrderID = 10248
SELECT * FROM Customers
select companyname, city from customers where country = 'France' order by city asc, companyname desc
SELECT COUNT(DISTINCT CustomerID) FROM Orders WHERE ShippedDate IS NOT NULL
SELECT ProductName FROM Products WHERE UnitPrice BETWEEN 10 AND 20.5 AND Discontinued = 0
SELECT e.FirstName || ' ' || e.LastName AS name, COUNT(o.OrderID) AS orders FROM Employees e LEFT JOIN Orders o ON o.EmployeeID = e.EmployeeID GROUP BY e.EmployeeID ORDER BY orders DESC LIMIT 5
SELECT strftime('%Y', OrderDate) AS year, COUNT(*) FROM Orders GROUP BY year
SELECT p.ProductName, SUM(od.Quantity) FROM "Order Details" od JOIN Products p ON p.ProductID = od.ProductID GROUP BY p.ProductName ORDER BY 2 DESC LIMIT 10
SELECT ProductName FROM Products WHERE CategoryID = (SELECT CategoryID FROM Categories WHERE CategoryName = 'Beverages')
SELECT CASE WHEN UnitPrice > 50 THEN 'expensive' ELSE 'cheap' END AS band, COUNT(*) FROM Products GROUP BY band
SELECT ROUND(AVG(Freight), 2) FROM Orders WHERE ShipCountry IN ('USA', 'Canada', 'Mexico')
SELECT CompanyName FROM Customers WHERE NOT EXISTS (SELECT 1 FROM Orders WHERE Orders.CustomerID = Customers.CustomerID)
SELECT t.n FROM (SELECT COUNT(*) AS n FROM Orders) t
SELECT CAST(SUM(Quantity) AS REAL) / COUNT(*) FROM [Order Details]
SELECT c.CompanyName FROM Customers AS c INNER JOIN Orders AS o ON c.CustomerID = o.CustomerID WHERE o.Freight >= 100 OR o.ShipCity <> 'Paris';
SELECT City FROM Customers UNION ALL SELECT City FROM Suppliers
SELECT MAX(UnitPrice), MIN(UnitPrice) FROM Products WHERE ProductName LIKE 'Ch%' AND -UnitsInStock < 0
SELECT LastName FROM Employees WHERE ReportsTo IS NULL OR Title NOT LIKE '%Sales%'
SELECT COUNT(*) FROM Orders o, Customers c WHERE o.CustomerID = c.CustomerID AND c.Country != 'UK'
SELECT Country, COUNT(*) AS n FROM Customers GROUP BY Country HAVING n > 3 ORDER BY n DESC LIMIT 3 OFFSET 1
SELECT IFNULL(Region, 'none'), LENGTH(Phone) FROM Suppliers
SELECT 'it''s', OrderID FROM Orders WHERE Freight > 1.5 - 0.5
